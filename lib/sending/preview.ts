/**
 * `previewEmail`: the exact MIME bytes of a lead's email. When the ledger holds a record (a dry run or a live
 * send), the bytes are composed from that record — identical to what the live sender transmits for it. Before
 * any send, the preview is composed as a send right now would be.
 */
import { LeadflowError } from '../errors';
import type { Db } from '../store/db';
import { leadOn } from '../store/leads';
import { getMessage } from '../store/messages';
import { int, text } from '../store/rowMapper';
import { RECORDED_EMAILS } from './ledger';
import { campaignSender } from './drain';
import { threadHeadersOn } from './thread';
import { composeMime, outgoingEmail, outgoingFromLedger, DRY_RUN_SENDER, type OutgoingEmail, type Sender } from './compose';

export interface EmailPreview {
  leadId: number;
  /** 'ledger': composed from what a send recorded; 'draft': nothing sent yet, composed as of now. */
  basis: 'ledger' | 'draft';
  dryRun: boolean | null;
  record: OutgoingEmail;
  mime: Buffer;
}

export class PreviewError extends LeadflowError {
  constructor(message: string) {
    super('input', message);
    this.name = 'PreviewError';
  }
}

export async function previewEmail(
  db: Db,
  leadId: number,
  o: { step?: number; sender?: Sender; now?: Date } = {},
): Promise<EmailPreview> {
  const step = o.step ?? 1;
  const lead = await leadOn(db, leadId);
  if (!lead) throw new PreviewError(`no lead with id ${leadId} in ${db.location}`);
  const cells = await db.get(
    `SELECT ${RECORDED_EMAILS.select('s')} FROM sends s
     WHERE s.lead_id = ? AND s.channel = 'email' AND s.step = ? AND s.headers IS NOT NULL
     ORDER BY s.dry_run ASC LIMIT 1`,
    [leadId, step],
  );
  if (cells) {
    const sent = RECORDED_EMAILS.from(cells);
    const message = (await getMessage(db, sent.messageId))!;
    const record = outgoingFromLedger(sent, message.body + (sent.footer ?? ''));
    return { leadId, basis: 'ledger', dryRun: sent.dryRun, record, mime: await composeMime(record) };
  }
  const row = await db.get("SELECT id FROM messages WHERE lead_id = ? AND channel = 'email' AND step = ? AND variant = ?", [leadId, step, lead.variant]);
  if (!row) {
    throw new PreviewError(`lead ${leadId} (${lead.email}) has no email message yet (status ${lead.status}): run the pipeline first`);
  }
  const message = (await getMessage(db, int(row[0], 'messages.id')))!;
  // From the thread's mailbox once its first live email was claimed (a campaign with several mailboxes), else as given.
  const base = o.sender ?? DRY_RUN_SENDER;
  const onMailbox = await db.get("SELECT mailbox FROM sends WHERE lead_id = ? AND channel = 'email' AND dry_run = 0 AND mailbox IS NOT NULL ORDER BY step LIMIT 1", [leadId]);
  const mailbox = onMailbox ? text(onMailbox[0], 'sends.mailbox') : null;
  const sender = await campaignSender(db, lead.campaignId, mailbox ? { email: mailbox, name: base.name } : base);
  // A later step answers the thread as its send will: in the mode its queued row has (else live, once anything went live).
  const queued = await db.get("SELECT dry_run FROM sends WHERE lead_id = ? AND channel = 'email' AND step = ? ORDER BY dry_run LIMIT 1", [leadId, step]);
  const anyLive = (await db.get("SELECT 1 FROM sends WHERE lead_id = ? AND channel = 'email' AND dry_run = 0 LIMIT 1", [leadId])) !== undefined;
  const thread = await threadHeadersOn(db, leadId, step, queued ? int(queued[0], 'sends.dry_run') === 1 : !anyLive);
  const record = outgoingEmail({ lead, message, sender, date: o.now ?? new Date(), extraHeaders: thread });
  return { leadId, basis: 'draft', dryRun: null, record, mime: await composeMime(record) };
}
