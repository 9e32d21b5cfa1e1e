/**
 * The one rule both personalize paths (the batch stage and one chosen lead) apply: draft the lead's messages, keep
 * those that pass the copy contract, and say whether the lead's own variant has a sendable draft on some channel —
 * with the violations of the drafts that did not make it. Pure: the callers store what it returns.
 */
import type { Channel, MessageDraft, Variant } from '../types';
import { draftMessages, type DraftOptions } from './templates';
import { checkCopyCounted } from './copyContract';
import type { RecipientInput } from './recipient';
import type { TalkingPointsInput } from './talkingPoints';

export interface AcceptedDrafts {
  accepted: { draft: MessageDraft; words: number }[];
  /** Channels on which the lead's assigned variant passed. */
  sendable: Set<Channel>;
  /** Every rejected draft, "channel/variant: violations". */
  rejected: string[];
  /** The rejections of the lead's assigned variant: why it cannot be sent, when `sendable` is empty. */
  ownProblems: string[];
}

export function acceptedDrafts(lead: RecipientInput & { variant: Variant }, enrichment: TalkingPointsInput, o: DraftOptions): AcceptedDrafts {
  return judgeDrafts(lead, draftMessages(lead, enrichment, o));
}

/**
 * Hold drafts written any way (the built-in templates, a campaign's) to the copy contract; `unwritten` are variants
 * nobody could write, rejected with their reason.
 */
export function judgeDrafts(
  lead: { variant: Variant },
  drafts: readonly MessageDraft[],
  unwritten: readonly { channel: Channel; variant: Variant; reason: string }[] = [],
): AcceptedDrafts {
  const out: AcceptedDrafts = { accepted: [], sendable: new Set(), rejected: [], ownProblems: [] };
  for (const u of unwritten) {
    const line = `${u.channel}/${u.variant}: ${u.reason}`;
    out.rejected.push(line);
    if (u.variant === lead.variant) out.ownProblems.push(line);
  }
  for (const draft of drafts) {
    const { violations, words } = checkCopyCounted(draft);
    if (violations.length) {
      const line = `${draft.channel}/${draft.variant}: ${violations.map((v) => v.detail).join('; ')}`;
      out.rejected.push(line);
      if (draft.variant === lead.variant) out.ownProblems.push(line);
      continue;
    }
    out.accepted.push({ draft, words });
    if (draft.variant === lead.variant) out.sendable.add(draft.channel);
  }
  return out;
}
