/**
 * Record Event: a reply, a bounce or an unsubscribe, from n8n's Email Trigger (the raw message) or a Webhook (the
 * signed one-click token), handed to lib's recordEvent / unsubscribeByToken, which change the lead and cancel what
 * is still queued for it. One output item per input item, with what the event changed. Events come one per item
 * and each is its own lib call (a raw message is parsed and matched on its own), so this operation works item by item.
 */
import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { leadOn } from '../../../lib/store/leads';
import { recordEvent } from '../../../lib/inbound/events';
import { unsubscribeByToken, unsubscribeSecret } from '../../../lib/inbound/unsubscribe';
import { withNodeDb } from '../../shared/openNodeStore';
import { leadJson } from '../../shared/leadJson';
import { perItem } from '../../shared/perItem';

type EventType = 'reply' | 'bounce' | 'unsubscribe';

const properties: INodeProperties[] = [
  {
    displayName: 'Event',
    name: 'eventType',
    type: 'options',
    default: 'reply',
    options: [
      { name: 'Reply', value: 'reply', description: 'The lead answered: it becomes REPLIED and later steps are cancelled' },
      { name: 'Bounce', value: 'bounce', description: 'A delivery failure: a hard bounce suppresses the address' },
      { name: 'Unsubscribe', value: 'unsubscribe', description: 'The lead opted out: the address is suppressed' },
    ],
  },
  {
    displayName: 'Unsubscribe Link Code',
    name: 'unsubscribeCode',
    type: 'string',
    default: '',
    description: 'The token from a one-click unsubscribe link (needs LEADFLOW_SECRET set for n8n); when set, the lead is taken from it',
    displayOptions: { show: { eventType: ['unsubscribe'] } },
  },
  {
    displayName: 'Raw Message',
    name: 'raw',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    description: "The reply or bounce as received (RFC 822 source, e.g. the Email Trigger's raw output); matched to its lead by Message-ID",
    displayOptions: { show: { eventType: ['reply', 'bounce'] } },
  },
  {
    displayName: 'Lead Email',
    name: 'email',
    type: 'string',
    placeholder: 'name@email.com',
    default: '',
    description: 'Which lead the event is about, when there is no raw message or token',
  },
  {
    displayName: 'Lead ID',
    name: 'leadId',
    type: 'number',
    default: 0,
    description: 'Which lead the event is about, by its store ID (0: use the email, token or raw message)',
  },
];

export const description = updateDisplayOptions({ show: { operation: ['recordEvent'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return withNodeDb(this, (store) =>
    perItem(this, this.getInputData().map((_, itemIndex) => ({ itemIndex })), async ({ itemIndex }, fail): Promise<IDataObject> => {
      const type = this.getNodeParameter('eventType', itemIndex, 'reply') as EventType;
      const token = type === 'unsubscribe' ? String(this.getNodeParameter('unsubscribeCode', itemIndex, '') ?? '').trim() : '';
      if (token) {
        const r = await unsubscribeByToken(store, token, unsubscribeSecret());
        if (!r.ok) throw fail(r.reason);
        if (r.leadId === null) return { outcome: 'unsubscribe', event: { type, effect: r.message, alreadySuppressed: r.alreadySuppressed } };
        const effect = r.alreadySuppressed ? 'already suppressed' : `suppressed ${r.email}; ${r.cancelledSends} queued send(s) cancelled`;
        return leadJson((await leadOn(store, r.leadId))!, { outcome: 'unsubscribe' }, { event: { type, effect } });
      }
      const email = String(this.getNodeParameter('email', itemIndex, '') ?? '').trim();
      const leadIdValue = Number(this.getNodeParameter('leadId', itemIndex, 0) ?? 0);
      const raw = type === 'unsubscribe' ? '' : String(this.getNodeParameter('raw', itemIndex, '') ?? '');
      if (!email && !leadIdValue && !raw) {
        throw fail(`no lead given for this ${type}: set Lead Email or Lead ID${type === 'unsubscribe' ? ', or the Unsubscribe Link Code' : ', or Raw Message'}`);
      }
      const result = await recordEvent(store, {
        type,
        leadId: leadIdValue > 0 ? leadIdValue : undefined,
        email: email || undefined,
        raw: raw || undefined,
      });
      // A reply's intent at the top of the item, so an IF or Switch node can route "interested" to a CRM.
      const routing: IDataObject = result.intent ? { intent: result.intent, ...(result.referral ? { referral: result.referral } : {}) } : {};
      return leadJson((await leadOn(store, result.leadId))!, { outcome: type }, { ...routing, event: result as unknown as IDataObject });
    }),
  );
}
