/**
 * Personalize Messages: drafts each lead's first-touch messages from lib's templates (variants A and B, email and
 * LinkedIn), every draft checked by the copy contract; the lead moves ENRICHED → MESSAGED, or FAILED with the
 * violations. One output item per lead with its messages, paired with the item that named it.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME, type Channel } from '../../lib';
import { personalizeLead } from '../../lib/personalize/personalizeLead';
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
    subtitle: '={{"Template · " + $parameter["channels"].join(", ")}}',
    description: 'Write first-touch email and LinkedIn messages for leads, A/B variants, checked by the copy contract',
    defaults: { name: 'Personalize Messages' },
    inputs: ['main'],
    outputs: ['main'],
    usableAsTool: true,
    properties: [
      {
        displayName: 'Method',
        name: 'method',
        type: 'options',
        noDataExpression: true,
        default: 'template',
        options: [{ name: 'Template', value: 'template', description: 'Proven templates filled from the lead and its enrichment; no network' }],
      },
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
        description: 'Signs each email',
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

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const channels = this.getNodeParameter('channels', 0, ['email']) as Channel[];
    const showBoth = this.getNodeParameter('variants', 0, 'assigned') === 'both';
    const senderName = this.getNodeParameter('senderName', 0, DEFAULT_SENDER_NAME) as string;
    const optOutLine = this.getNodeParameter('optOutLine', 0, DEFAULT_OPT_OUT_LINE) as string;
    return [
      await withNodeStore(this, (store) =>
        perItem(this, chooseTargets(this, store), (target, fail): IDataObject => {
          if (channels.length === 0) throw fail('no channel chosen: pick Email, LinkedIn or both under Channels');
          if (target.leadId === null) {
            throw fail(
              target.named
                ? `no lead with ${target.named} in the store: run Generate Leads on it first`
                : 'this item names no lead: give it a leadId, id or email field (as Enrich Leads outputs)',
            );
          }
          const r = personalizeLead(store, target.leadId, { channels, senderName: senderName || undefined, optOutLine: optOutLine || undefined });
          if (!('messages' in r)) {
            if (!r.lead) throw fail(r.reason);
            return leadJson(r.lead, { outcome: r.outcome === 'failed' ? 'failed' : 'skipped', reason: r.reason });
          }
          const shown = r.messages.filter((m) => channels.includes(m.channel) && (showBoth || m.variant === r.lead.variant));
          const extra: IDataObject = { messages: shown as unknown as IDataObject[] };
          const first = shown.find((m) => m.variant === r.lead.variant && m.channel === 'email') ?? shown[0];
          if (first) {
            extra.subject = first.subject;
            extra.body = first.body;
          }
          return leadJson(r.lead, { outcome: r.outcome, ...(r.rejected.length ? { reason: r.rejected.join(' | ') } : {}) }, extra);
        }),
      ),
    ];
  }
}
