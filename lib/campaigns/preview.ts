/**
 * A campaign's preview before anything is queued: for each step, channel and variant, the message a few of its leads
 * would get — rendered by the same drafter personalize uses, held to the same copy contract — so what a user reads
 * here is what is then written. A campaign with no leads yet is previewed on a sample lead (long values, as the
 * linter uses). A model-written variant says so and shows its fallback template, if it has one.
 */
import type { Channel, Variant } from '../types';
import type { Db } from '../store/db';
import type { AnyStore } from '../store/openDb';
import { attributeNamesOf, attributesOfLeadsOn, LEADS, type StoredLead } from '../store/leads';
import { talkingPointFieldsOfOn } from '../store/enrichments';
import { checkCopy, countWords } from '../personalize/copyContract';
import type { TalkingPointsInput } from '../personalize/talkingPoints';
import { getCampaign, type Campaign } from './campaigns';
import { draftStep } from './draft';
import { lintCampaign, type LintFinding } from './lint';
import { VARIABLES, type CampaignLead } from './variables';

export interface PreviewSample {
  step: number;
  channel: Channel;
  variant: Variant;
  /** The lead it was rendered for; null for the sample lead. */
  leadId: number | null;
  email: string;
  subject: string | null;
  body: string;
  words: number;
  /** template: the variant's template; fallback: a model variant's fallback; model: written at send time. */
  writtenBy: 'template' | 'fallback' | 'model';
  /** The copy contract's complaints about this rendering (none, for a campaign that passed the linter, unless a lead's data breaks it). */
  problems: string[];
}

export interface CampaignPreview {
  campaign: { id: number; name: string; state: string; product: string; sender: string; steps: number; builtin: boolean };
  warnings: LintFinding[];
  /** How many of its leads the samples were rendered for (0: the sample lead). */
  leadsShown: number;
  samples: PreviewSample[];
}

const SAMPLE_LEAD: CampaignLead & { lastName: string; country: string } = {
  id: 0,
  email: 'alexandrina@sample.example',
  firstName: VARIABLES.firstName.sample,
  lastName: VARIABLES.lastName.sample,
  title: VARIABLES.title.sample,
  company: VARIABLES.company.sample,
  industry: VARIABLES.industry.sample,
  website: VARIABLES.website.sample,
  country: VARIABLES.country.sample,
  variant: 'A',
};
const SAMPLE_POINTS: TalkingPointsInput = { painPoints: [VARIABLES.painPoint.sample], buyingTriggers: [VARIABLES.trigger.sample] };

/** Up to `leads` of the campaign's leads that have an enrichment (what a message is written from), oldest first. */
async function sampleLeads(db: Db, campaign: Campaign, leads: number): Promise<StoredLead[]> {
  const rows = await db.all(`SELECT ${LEADS.columns} FROM leads WHERE campaign_id = ? AND id IN (SELECT lead_id FROM enrichments) ORDER BY id LIMIT ?`, [campaign.id, leads]);
  return rows.map((r) => LEADS.from(r));
}

/** Writes nothing, on either database. */
export async function previewCampaign(store: AnyStore, ref: string | number, o: { leads?: number } = {}): Promise<CampaignPreview> {
  const campaign = await getCampaign(store, ref);
  const { spec } = campaign;
  const leads = campaign.builtin ? [] : await sampleLeads(store, campaign, Math.max(1, Math.min(20, o.leads ?? 2)));
  const points = await talkingPointFieldsOfOn(store, leads.map((l) => l.id));
  const attributes = await attributesOfLeadsOn(store, leads.map((l) => l.id));
  const warnings = campaign.builtin ? [] : lintCampaign(spec, { customColumns: await attributeNamesOf(store) }).warnings;
  const targets = leads.length
    ? leads.map((lead) => ({ lead, points: points.get(lead.id) ?? SAMPLE_POINTS, attributes: attributes.get(lead.id) ?? {}, leadId: lead.id as number | null }))
    : [{ lead: SAMPLE_LEAD, points: SAMPLE_POINTS, attributes: {}, leadId: null }];
  const samples: PreviewSample[] = [];
  if (!campaign.builtin) {
    for (const t of targets) {
      let opener: string | undefined;
      spec.sequence.forEach((step, index) => {
        const channels = (['email', 'linkedin'] as const).filter((c) => step[c]);
        const drafted = draftStep(spec, campaign.sequence, t.lead, t.points, t.attributes, { step: index + 1, channels, threadOf: opener });
        for (const channel of channels) {
          for (const variant of ['A', 'B'] as const) {
            // A channel with one variant serves both halves: show it once.
            if (variant === 'B' && step[channel]!.length === 1) continue;
            const byModel = drafted.forModel.some((m) => m.channel === channel && m.variant === variant);
            const d = drafted.drafts.find((x) => x.channel === channel && x.variant === variant);
            if (channel === 'email' && index === 0 && variant === 'A' && d?.subject) opener = d.subject;
            samples.push({
              step: index + 1, channel, variant, leadId: t.leadId, email: t.lead.email,
              subject: d?.subject ?? null,
              body: d?.body ?? '(written by the model when the lead is personalized in AI mode; no fallback template)',
              words: d ? countWords(d.body) : 0,
              writtenBy: byModel ? (d ? 'fallback' : 'model') : 'template',
              problems: d ? checkCopy(d).map((v) => v.detail) : [],
            });
          }
        }
      });
    }
  }
  return {
    campaign: {
      id: campaign.id, name: campaign.name, state: campaign.state, product: spec.offer.product, sender: spec.sender.name,
      steps: spec.sequence.length, builtin: campaign.builtin,
    },
    warnings,
    leadsShown: leads.length,
    samples,
  };
}
