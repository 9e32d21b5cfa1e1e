/**
 * Personalize Messages: drafts each lead's first-touch messages from lib's templates (variants A and B, email and
 * LinkedIn) or, in AI mode, by a Groq model in the lead's own variant (a channel the model cannot write gets the
 * template, with the reason); every draft is checked by the copy contract. The lead moves ENRICHED → MESSAGED, or
 * FAILED with the violations. One output item per lead with its messages, paired with the item that named it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME, fallbacksFor, getLead, type Channel, type GroqClient, type StoredLead, type StoredMessage, type Store } from '../../lib';
import { personalizeLead } from '../../lib/personalize/personalizeLead';
import { personalizeLeadWithAi } from '../../lib/personalize/aiPersonalizeLead';
import { groqClientForNode, listGroqModels, modelProperty } from '../shared/groqMode';
import { modelCallGuard } from '../shared/modelCallGuard';
import { storePathProperty } from '../shared/storeParameter';
import { withNodeStore } from '../shared/openNodeStore';
import { chooseTargets, sourceProperties } from '../shared/leadSource';
import { leadJson } from '../shared/leadJson';
import { perItem } from '../shared/perItem';

export class PersonalizeMessages implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Personalize Messages',
    name: 'personalizeMessages',
    icon: 'file:personalizeMessages.svg',
    group: ['transform'],
    version: 1,
    subtitle: '={{($parameter["method"] === "ai" ? "AI · " + $parameter["model"] : "Template") + " · " + $parameter["channels"].join(", ")}}',
    description: 'Write first-touch email and LinkedIn messages for leads, A/B variants, checked by the copy contract',
    defaults: { name: 'Personalize Messages' },
    inputs: ['main'],
    outputs: ['main'],
    usableAsTool: true,
    credentials: [
      // The name the issue fixes (`leadflowGroqApi`, after the package), shared by both AI-mode nodes.
      { name: 'leadflowGroqApi', required: true, displayOptions: { show: { method: ['ai'] } } },
    ],
    properties: [
      {
        displayName: 'Method',
        name: 'method',
        type: 'options',
        noDataExpression: true,
        default: 'template',
        options: [
          { name: 'Template', value: 'template', description: 'Proven templates filled from the lead and its enrichment; no network' },
          { name: 'AI (Groq)', value: 'ai', description: "A Groq model writes the lead's own variant; a channel it cannot write well gets the template, with the reason" },
        ],
      },
      modelProperty('ai'),
      {
        displayName: 'Channels',
        name: 'channels',
        type: 'multiOptions',
        default: ['email'],
        options: [
          { name: 'Email', value: 'email' },
          { name: 'LinkedIn', value: 'linkedin' },
        ],
        description: 'Which channels to write messages for',
      },
      {
        displayName: 'Variants in Output',
        name: 'variants',
        type: 'options',
        default: 'assigned',
        options: [
          { name: 'Assigned Variant', value: 'assigned', description: "Only the lead's own A/B variant, the one that will be sent" },
          { name: 'Both Variants', value: 'both', description: 'A and B, to compare the copy' },
        ],
        description: 'Both variants are always stored; this chooses what the output items show',
      },
      {
        displayName: 'Sender Name',
        name: 'senderName',
        type: 'string',
        default: DEFAULT_SENDER_NAME,
        description: "Signs each email. Left as the default, a live send signs with the SMTP credential's From Name instead.",
      },
      {
        displayName: 'Opt-Out Line',
        name: 'optOutLine',
        type: 'string',
        default: DEFAULT_OPT_OUT_LINE,
        description: 'Closes each email; the copy contract requires one',
      },
      ...sourceProperties('ENRICHED', 'write messages for'),
      storePathProperty,
    ],
  };

  methods = { loadOptions: { listGroqModels } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const ai = this.getNodeParameter('method', 0, 'template') === 'ai';
    const channels = this.getNodeParameter('channels', 0, ['email']) as Channel[];
    const showBoth = this.getNodeParameter('variants', 0, 'assigned') === 'both';
    const senderName = (this.getNodeParameter('senderName', 0, DEFAULT_SENDER_NAME) as string) || undefined;
    const optOutLine = (this.getNodeParameter('optOutLine', 0, DEFAULT_OPT_OUT_LINE) as string) || undefined;
    const show = (lead: StoredLead, messages: StoredMessage[]): IDataObject => {
      const shown = messages.filter((m) => channels.includes(m.channel) && (showBoth || m.variant === lead.variant));
      const extra: IDataObject = { messages: shown as unknown as IDataObject[] };
      const first = shown.find((m) => m.variant === lead.variant && m.channel === 'email') ?? shown[0];
      if (first) {
        extra.subject = first.subject;
        extra.body = first.body;
      }
      return extra;
    };
    return [
      await withNodeStore(this, async (store) => {
        const client = ai ? await groqClientForNode(this, store) : undefined;
        const guard = modelCallGuard();
        return perItem(this, chooseTargets(this, store), async (target, fail): Promise<IDataObject> => {
          if (channels.length === 0) throw fail('no channel chosen: pick Email, LinkedIn or both under Channels');
          if (target.leadId === null) {
            throw fail(
              target.named
                ? `no lead with ${target.named} in the store: run Generate Leads on it first`
                : 'this item names no lead: give it a leadId, id or email field (as Enrich Leads outputs)',
            );
          }
          const leadId = target.leadId;
          if (client) {
            return guard(store, leadId, fail, () => personalizeOneWithAi(store, client, leadId, { channels, senderName, optOutLine }, fail, show));
          }
          const r = personalizeLead(store, leadId, { channels, senderName, optOutLine });
          if (!('messages' in r)) {
            if (!r.lead) throw fail(r.reason);
            return leadJson(r.lead, { outcome: r.outcome === 'failed' ? 'failed' : 'skipped', reason: r.reason });
          }
          return leadJson(r.lead, { outcome: r.outcome, ...(r.rejected.length ? { reason: r.rejected.join(' | ') } : {}) }, show(r.lead, r.messages));
        });
      }),
    ];
  }
}

async function personalizeOneWithAi(
  store: Store,
  client: GroqClient,
  leadId: number,
  o: { channels: Channel[]; senderName?: string; optOutLine?: string },
  fail: (message: string) => Error,
  show: (lead: StoredLead, messages: StoredMessage[]) => IDataObject,
): Promise<IDataObject> {
  const startedWith = fallbacksFor(store, leadId).length;
  const r = await personalizeLeadWithAi(store, client, leadId, o);
  if ('reason' in r) {
    const lead = r.lead ?? getLead(store, leadId);
    if (!lead) throw fail(r.reason);
    return leadJson(lead, { outcome: r.outcome === 'failed' ? 'failed' : 'skipped', reason: r.reason });
  }
  if (r.outcome === 'already_messaged') return leadJson(r.lead, { outcome: r.outcome }, show(r.lead, r.messages));
  // The template wrote a channel the model could not: lib records why as a fallback event for this lead.
  const fellBack = fallbacksFor(store, leadId).slice(startedWith).filter((f) => f.stage === 'personalize');
  const own = r.messages.filter((m) => m.variant === r.lead.variant && o.channels.includes(m.channel));
  const via = fellBack.length === 0 ? 'model' : own.every((m) => !m.source.startsWith('groq:')) ? 'template' : 'model+template';
  const reason = fellBack.map((f) => f.reason).join(' | ');
  return leadJson(r.lead, { outcome: r.outcome, via, ...(reason ? { reason } : {}) }, show(r.lead, r.messages));
}
