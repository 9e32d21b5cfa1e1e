/**
 * A campaign field by field, for Create or Update with "Fields": the offer, the sender and the email steps, each step
 * a template (variant A) and optionally a variant B — another template, or written by the model from the offer.
 * The fields become the same object a campaign file holds, so lib checks and lints them exactly as it does a file,
 * naming each problem by its place in the campaign (`sequence[0].email[0].body`: step 1's body, variant A).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

const TEMPLATE_HINT = 'Use {{ firstName }}, {{ company }}, {{ painPoint }}, {{ custom["Column"] }}… and {Hi|Hello} spintax';

const fields: INodeProperties[] = [
  {
    displayName: 'Campaign Name',
    name: 'campaignName',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'payroll-restaurants',
    description: 'Lowercase letters, digits and hyphens. Saving again under the same name updates the campaign.',
  },
  { displayName: 'Product', name: 'product', type: 'string', required: true, default: '', placeholder: 'Tillpoint Payroll', description: 'What you sell' },
  {
    displayName: 'Audience',
    name: 'audience',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'finance leads at restaurant groups with 5 to 50 sites',
    description: 'Who it is for',
  },
  { displayName: 'Value', name: 'value', type: 'string', typeOptions: { rows: 3 }, required: true, default: '', description: 'What it does for them, in a few lines' },
  {
    displayName: 'Proof Points',
    name: 'proofPoints',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '',
    description: 'Facts the copy may cite, one per line — the model cites no others',
  },
  { displayName: 'Call to Action', name: 'callToAction', type: 'string', required: true, default: '', placeholder: 'Open to a 15-minute call next week?' },
  { displayName: 'Sender Name', name: 'senderName', type: 'string', required: true, default: '', placeholder: 'Maria Chen', description: 'Signs every email' },
  { displayName: 'Sender Title', name: 'senderTitle', type: 'string', default: '', placeholder: 'Account Executive' },
  { displayName: 'Sender Company', name: 'senderCompany', type: 'string', required: true, default: '', placeholder: 'Tillpoint' },
  {
    displayName: 'Signature',
    name: 'signature',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '',
    description: 'Closes each email. Empty: the sender name, then title and company.',
  },
  { displayName: 'Opt-Out Line', name: 'campaignOptOutLine', type: 'string', default: '', description: 'Closes each email. Empty: the default opt-out line.' },
  { displayName: 'First Name Fallback', name: 'firstNameFallback', type: 'string', default: 'there', description: 'Used for {{ firstName }} when a lead has none' },
  {
    displayName: 'Steps',
    name: 'steps',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true, sortable: true },
    placeholder: 'Add Step',
    default: {},
    description: 'The email sequence, first step first (LinkedIn steps: define the campaign as YAML or JSON)',
    options: [
      {
        displayName: 'Step',
        name: 'step',
        // A step reads as an email is written — when, subject, body, then its B half — not alphabetically.
        // eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items
        values: [
          {
            displayName: 'Delay (Business Days)',
            name: 'delayBusinessDays',
            type: 'number',
            typeOptions: { minValue: 0, maxValue: 60 },
            default: 0,
            description: 'Business days after the previous step; 0 for the first step',
          },
          {
            displayName: 'Subject',
            name: 'subject',
            type: 'string',
            default: '',
            description: `${TEMPLATE_HINT}. Empty on a follow-up: it replies in the first email's thread.`,
          },
          { displayName: 'Body', name: 'body', type: 'string', typeOptions: { rows: 6 }, default: '', description: TEMPLATE_HINT },
          {
            displayName: 'Variant B',
            name: 'variantB',
            type: 'options',
            default: 'none',
            options: [
              { name: 'None', value: 'none', description: 'Every lead gets the template above' },
              { name: 'Template', value: 'template', description: 'Half the leads get a second template, for the A/B test' },
              { name: 'Written by AI', value: 'ai', description: 'Half the leads get copy the model writes from the offer (AI mode); otherwise the template above' },
            ],
          },
          { displayName: 'Variant B Subject', name: 'subjectB', type: 'string', default: '', displayOptions: { show: { variantB: ['template'] } } },
          { displayName: 'Variant B Body', name: 'bodyB', type: 'string', typeOptions: { rows: 6 }, default: '', displayOptions: { show: { variantB: ['template'] } } },
          {
            displayName: 'AI Brief',
            name: 'brief',
            type: 'string',
            default: '',
            placeholder: 'Mention that tips are worked out per shift',
            description: 'Extra guidance for the model, in your words',
            displayOptions: { show: { variantB: ['ai'] } },
          },
        ],
      },
    ],
  },
];

/** The fields, shown when the campaign is defined by fields. */
export const campaignFieldProperties: INodeProperties[] = fields.map((field) => ({ ...field, displayOptions: { show: { definedBy: ['fields'] } } }));

interface StepFields {
  delayBusinessDays?: number;
  subject?: string;
  body?: string;
  variantB?: 'none' | 'template' | 'ai';
  subjectB?: string;
  bodyB?: string;
  brief?: string;
}

/** Empty text means "not given": lib's default applies, or lib names the field as missing. */
const given = (value: unknown) => {
  const s = typeof value === 'string' ? value.trim() : '';
  return s === '' ? undefined : s;
};

function template(subject: unknown, body: unknown): IDataObject {
  return { ...(given(subject) ? { subject: given(subject) } : {}), body: String(body ?? '') };
}

/** The campaign object the fields of item `i` describe, unchecked: lib validates it. */
export function campaignFromFields(fns: IExecuteFunctions, i: number): IDataObject {
  const text = (name: string) => String(fns.getNodeParameter(name, i, '') ?? '');
  const steps = (fns.getNodeParameter('steps.step', i, []) as StepFields[]).map((s) => {
    const a = template(s.subject, s.body);
    const b = s.variantB === 'template' ? [template(s.subjectB, s.bodyB)] : s.variantB === 'ai' ? [{ ai: true, ...(given(s.brief) ? { brief: given(s.brief) } : {}), fallback: a }] : [];
    return { delayBusinessDays: s.delayBusinessDays ?? 0, email: [a, ...b] };
  });
  const fallback = given(text('firstNameFallback'));
  return {
    name: text('campaignName').trim(),
    offer: {
      product: text('product'),
      audience: text('audience'),
      value: text('value'),
      proofPoints: text('proofPoints').split('\n').map((p) => p.trim()).filter(Boolean),
      callToAction: text('callToAction'),
    },
    sender: {
      name: text('senderName'),
      company: text('senderCompany'),
      ...(given(text('senderTitle')) ? { title: given(text('senderTitle')) } : {}),
      ...(given(text('signature')) ? { signature: given(text('signature')) } : {}),
    },
    ...(given(text('campaignOptOutLine')) ? { optOutLine: given(text('campaignOptOutLine')) } : {}),
    fallbacks: fallback ? { firstName: fallback } : {},
    sequence: steps,
  };
}
