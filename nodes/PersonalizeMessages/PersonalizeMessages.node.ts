/**
 * Personalize Messages: drafts each lead's first-touch messages from lib's templates (variants A and B, email and
 * LinkedIn) or, in AI mode, by a Groq model in the lead's own variant (a channel the model cannot write gets the
 * template, with the reason); every draft is checked by the copy contract. The lead moves ENRICHED → MESSAGED, or
 * FAILED with the violations. Each lead is written for its campaign (its offer, sender and templates); with a
 * Campaign chosen, only that campaign's leads are. One output item per lead with its messages, paired with the item
 * that named it. With templates, the leads go to lib in batches, one transaction each, as the pipeline's personalize
 * stage works; in AI mode each lead is committed when its drafts are in, as the pipeline's AI stage does.
 */
import {
  NodeConnectionTypes,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME, fallbacksFor, type Channel, type GroqClient, type StoredLead, type StoredMessage } from '../../lib';
import type { Db } from '../../lib/store/db';
import { leadOn } from '../../lib/store/leads';
import { personalizeChosen, type PersonalizeLeadResult } from '../../lib/personalize/personalizeChosen';
import { personalizeLeadWithAi } from '../../lib/personalize/aiPersonalizeLead';
import { groqClientForNode, listGroqModels } from '../shared/groqMode';
import { isAiMode, methodProperties, methodSubtitle } from '../shared/methodProperties';
import { channelsProperty, CHANNELS_SUBTITLE, NO_CHANNEL } from '../shared/channelsProperty';
import { modelCallGuard } from '../shared/modelCallGuard';
import { storePathProperty } from '../shared/storeParameter';
import { withNodeDb } from '../shared/openNodeStore';
import { leadflowStoreConnectionTest } from '../shared/storeCredential';
import { chooseTargets, missingLead, sourceProperties } from '../shared/leadSource';
import { leadJson } from '../shared/leadJson';
import { campaignOptions, campaignProperty, chosenCampaignOn, leadsOutsideCampaign } from '../shared/campaignParameter';
import { perBatch, type UnitFail, type UnitResult } from '../shared/perBatch';
import { perItem } from '../shared/perItem';

const PRODUCER = 'Enrich Leads';

type Show = (lead: StoredLead, messages: StoredMessage[]) => IDataObject;

export class PersonalizeMessages implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Personalize Messages',
    name: 'personalizeMessages',
    icon: { light: 'file:personalizeMessages.svg', dark: 'file:personalizeMessages.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: `={{${methodSubtitle('Templates')} + ${CHANNELS_SUBTITLE}}}`,
    description: 'Write first-touch email and LinkedIn messages for leads, A/B variants, checked by the copy contract',
    defaults: { name: 'Personalize Messages' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      // The name the issue fixes (`leadflowGroqApi`, after the package), shared by both AI-mode nodes; written out here
      // for the community lint, which reads the credentials of a node's description as literals.
      { name: 'leadflowGroqApi', required: true, displayOptions: { show: { method: ['ai'] } } },
      // Optional: without it the node uses its Store File (SQLite); with it, the PostgreSQL store every worker shares.
      // A database login, like n8n's own `postgres` credential: not an API.
      // eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
      { name: 'leadflowStore', required: false, testedBy: 'leadflowStoreConnectionTest' },
    ],
    properties: [
      ...methodProperties(
        { name: 'Template', value: 'template', description: 'Proven templates filled from the lead and its enrichment; no network' },
        "A Groq model writes the lead's own variant; a channel it cannot write well gets the template, with the reason",
      ),
      campaignProperty({
        description:
          "Every campaign: each lead is written for its own campaign, in its offer and sender's words. A campaign: only its leads — from the store, only its leads are taken; an input item whose lead is in another campaign is skipped, saying which",
      }),
      channelsProperty({ description: 'Which channels to write messages for' }),
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
        description: "Signs the built-in demo campaign's emails (a campaign of yours signs with its own sender). Left as the default, a live send signs with the SMTP credential's From Name instead.",
      },
      {
        displayName: 'Opt-Out Line',
        name: 'optOutLine',
        type: 'string',
        default: DEFAULT_OPT_OUT_LINE,
        description: "Closes the demo campaign's emails (a campaign of yours has its own); the copy contract requires one",
      },
      ...sourceProperties('ENRICHED', 'write messages for'),
      storePathProperty,
    ],
  };

  methods = {
    credentialTest: { leadflowStoreConnectionTest },
    loadOptions: {
      listGroqModels,
      listCampaigns: campaignOptions({ name: 'Every Campaign', description: "Each lead is written for its own campaign" }),
    },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const ai = isAiMode(this.getNodeParameter('method', 0, 'template'));
    const channels = this.getNodeParameter('channels', 0, ['email']) as Channel[];
    const showBoth = this.getNodeParameter('variants', 0, 'assigned') === 'both';
    const senderName = (this.getNodeParameter('senderName', 0, DEFAULT_SENDER_NAME) as string) || undefined;
    const optOutLine = (this.getNodeParameter('optOutLine', 0, DEFAULT_OPT_OUT_LINE) as string) || undefined;
    const options = { channels, senderName, optOutLine, messages: showBoth ? ('both' as const) : ('assigned' as const) };
    const show: Show = (lead, messages) => {
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
      await withNodeDb(this, async (db) => {
        const campaign = await chosenCampaignOn(this, db);
        const targets = await chooseTargets(this, db, { campaignId: campaign?.id });
        const elsewhere = async (leadIds: number[]) => (campaign ? leadsOutsideCampaign(db, leadIds, campaign) : new Map<number, { lead: StoredLead; reason: string }>());
        if (!ai) {
          return perBatch(this, targets, {
            refuse: (target) => (channels.length === 0 ? NO_CHANNEL : missingLead(target, PRODUCER)),
            work: async (batch, fail) => {
              const leadIds = batch.map((t) => t.leadId!);
              const skip = await elsewhere(leadIds);
              const written = await personalizeChosen(db, leadIds.filter((id) => !skip.has(id)), options);
              let next = 0;
              return leadIds.map((id) => {
                const other = skip.get(id);
                return other ? leadJson(other.lead, { outcome: 'skipped', reason: other.reason }) : personalizedItem(written[next++], fail, show);
              });
            },
          });
        }
        const client = await groqClientForNode(this, db);
        const guard = modelCallGuard(this.getNode());
        return perItem(this, targets, async (target, fail): Promise<IDataObject> => {
          const refusal = channels.length === 0 ? NO_CHANNEL : missingLead(target, PRODUCER);
          if (refusal) throw fail(refusal);
          const leadId = target.leadId!;
          const other = (await elsewhere([leadId])).get(leadId);
          if (other) return leadJson(other.lead, { outcome: 'skipped', reason: other.reason });
          return guard(db, leadId, fail, () => personalizeOneWithAi(db, client, leadId, options, fail, show));
        });
      }),
    ];
  }
}

function personalizedItem(r: PersonalizeLeadResult, fail: UnitFail, show: Show): UnitResult {
  if ('reason' in r) {
    if (!r.lead) return fail(r.reason);
    return leadJson(r.lead, { outcome: r.outcome === 'failed' ? 'failed' : 'skipped', reason: r.reason });
  }
  return leadJson(r.lead, { outcome: r.outcome, ...(r.rejected.length ? { reason: r.rejected.join(' | ') } : {}) }, show(r.lead, r.messages));
}

async function personalizeOneWithAi(
  db: Db,
  client: GroqClient,
  leadId: number,
  o: { channels: Channel[]; senderName?: string; optOutLine?: string },
  fail: (message: string) => Error,
  show: Show,
): Promise<IDataObject> {
  const startedWith = (await fallbacksFor(db, leadId)).length;
  const r = await personalizeLeadWithAi(db, client, leadId, o);
  if ('reason' in r) {
    const lead = r.lead ?? (await leadOn(db, leadId));
    if (!lead) throw fail(r.reason);
    return leadJson(lead, { outcome: r.outcome === 'failed' ? 'failed' : 'skipped', reason: r.reason });
  }
  if (r.outcome === 'already_messaged') return leadJson(r.lead, { outcome: r.outcome }, show(r.lead, r.messages));
  // The template wrote a channel the model could not: lib records why as a fallback event for this lead.
  const fellBack = (await fallbacksFor(db, leadId)).slice(startedWith).filter((f) => f.stage === 'personalize');
  const own = r.messages.filter((m) => m.variant === r.lead.variant && o.channels.includes(m.channel));
  const via = fellBack.length === 0 ? 'model' : own.every((m) => !m.source.startsWith('groq:')) ? 'template' : 'model+template';
  const reason = fellBack.map((f) => f.reason).join(' | ');
  return leadJson(r.lead, { outcome: r.outcome, via, ...(reason ? { reason } : {}) }, show(r.lead, r.messages));
}
