/**
 * Record Event: a reply, a bounce or an unsubscribe, from n8n's Email Trigger (the raw message) or a Webhook (the
 * signed one-click token), handed to lib's recordEvent / unsubscribeByToken, which change the lead and cancel what
 * is still queued for it. One output item per input item, with what the event changed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { getLead } from '../../lib';
import { recordEvent } from '../../lib/outreach/events';
import { unsubscribeByToken, unsubscribeSecret } from '../../lib/outreach/unsubscribe';
import { withNodeStore } from '../shared/openNodeStore';
import { leadJson } from '../shared/leadJson';
import { perItem } from '../shared/perItem';

type EventType = 'reply' | 'bounce' | 'unsubscribe';

export async function recordEventOperation(fns: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return withNodeStore(fns, (store) =>
    perItem(fns, fns.getInputData().map((_, itemIndex) => ({ itemIndex })), async ({ itemIndex }, fail): Promise<IDataObject> => {
      const type = fns.getNodeParameter('eventType', itemIndex, 'reply') as EventType;
      const token = type === 'unsubscribe' ? String(fns.getNodeParameter('unsubscribeCode', itemIndex, '') ?? '').trim() : '';
      if (token) {
        const r = unsubscribeByToken(store, token, unsubscribeSecret());
        if (!r.ok) throw fail(r.reason);
        if (r.leadId === null) return { outcome: 'unsubscribe', event: { type, effect: r.message, alreadySuppressed: r.alreadySuppressed } };
        const effect = r.alreadySuppressed ? 'already suppressed' : `suppressed ${r.email}; ${r.cancelledSends} queued send(s) cancelled`;
        return leadJson(getLead(store, r.leadId)!, { outcome: 'unsubscribe' }, { event: { type, effect } });
      }
      const email = String(fns.getNodeParameter('email', itemIndex, '') ?? '').trim();
      const leadIdValue = Number(fns.getNodeParameter('leadId', itemIndex, 0) ?? 0);
      const raw = type === 'unsubscribe' ? '' : String(fns.getNodeParameter('raw', itemIndex, '') ?? '');
      if (!email && !leadIdValue && !raw) {
        throw fail(`no lead given for this ${type}: set Lead Email or Lead ID${type === 'unsubscribe' ? ', or the Unsubscribe Link Code' : ', or Raw Message'}`);
      }
      const result = await recordEvent(store, {
        type,
        leadId: leadIdValue > 0 ? leadIdValue : undefined,
        email: email || undefined,
        raw: raw || undefined,
      });
      return leadJson(getLead(store, result.leadId)!, { outcome: type }, { event: result as unknown as IDataObject });
    }),
  );
}
