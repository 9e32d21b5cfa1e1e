/**
 * The built-in demo campaign: what a store's leads belong to until they join a campaign of the user's, and what
 * synthetic leads and `npm run demo` use. Its copy is the built-in templates (lib/personalize/templates.ts) and its
 * follow-ups the built-in ones; its offer is the made-up vendor the demo has always pitched, so the demo reads as
 * before — and no campaign of a user's ever pitches it.
 */
import { DEFAULT_OPT_OUT_LINE, DEFAULT_SENDER_NAME } from '../personalize/templates';
import type { CampaignSpec } from './spec';

export const DEMO_CAMPAIGN_NAME = 'demo';

/** The demo's follow-ups: business days after the previous step. */
export const DEFAULT_SEQUENCE = [3, 5];

/** A template marker: the demo's steps are written by the built-in templates, not by a template text. */
const BUILT_IN = { subject: 'built-in', body: 'built-in' };

export const DEMO_SPEC: CampaignSpec = {
  name: DEMO_CAMPAIGN_NAME,
  description: 'The built-in demo: synthetic leads, the built-in templates, a made-up workflow automation vendor.',
  offer: {
    product: 'Leadflow workflow automation',
    audience: 'operations, finance and IT leaders at mid-size companies',
    value: 'Connects the systems a team already uses so manual hand-offs between them run on their own.',
    proofPoints: [],
    callToAction: 'Open to a 15-minute call next week?',
  },
  sender: { name: DEFAULT_SENDER_NAME, company: 'Leadflow' },
  optOutLine: DEFAULT_OPT_OUT_LINE,
  fallbacks: {},
  sequence: [{ delayBusinessDays: 0, email: [BUILT_IN, BUILT_IN], linkedin: [BUILT_IN, BUILT_IN] }, ...DEFAULT_SEQUENCE.map((delay) => ({ delayBusinessDays: delay, email: [BUILT_IN, BUILT_IN] }))],
};
