/**
 * What named leads look like after a send call — each lead as stored now and its ledger rows of the call's mode on
 * its channels — for an adapter that hands each lead on (the n8n Send node's output items). The rows a dry run
 * recorded directly are built from the records in hand (only their ids and the leads' new statuses are read, a few
 * integers a row); a lead with any other row in that part of the ledger is read in full, as before.
 */
import type { Channel } from '../types';
import { inValues, type Db } from '../store/db';
import { leadsByIdsOn, type StoredLead } from '../store/leads';
import { sendsOfLeads, type LeadSend } from '../leads/detail';
import { int, oneOf, text, textOrNull } from '../store/rowMapper';
import { LEAD_STATUSES, CHANNELS } from '../types';
import type { RecordedSend } from './sendReady';

export interface SentLeadView {
  lead: StoredLead;
  /** The lead's ledger rows of this mode on the requested channels, in detail order (step, channel). */
  sends: LeadSend[];
}

const statusOf = oneOf(LEAD_STATUSES);
const channelOf = oneOf(CHANNELS);

export async function sentLeadViews(
  db: Db,
  leadIds: readonly number[],
  recorded: readonly RecordedSend[],
  o: { dryRun: boolean; channels: readonly Channel[] },
): Promise<Map<number, SentLeadView>> {
  const out = new Map<number, SentLeadView>();
  const byLead = new Map<number, RecordedSend[]>();
  if (o.dryRun) {
    for (const r of recorded) {
      const list = byLead.get(r.record.leadId);
      if (list) list.push(r);
      else byLead.set(r.record.leadId, [r]);
    }
  }
  // The ids of every row of this mode for the leads that have records: a lead whose rows are all records is built.
  const rowIds = new Map<string, number>();
  const rowsOf = new Map<number, number>();
  if (byLead.size) {
    const rows = await db.all(`SELECT id, lead_id, channel, step FROM sends WHERE lead_id IN ${inValues(db, 'int')} AND dry_run = 1`, [JSON.stringify([...byLead.keys()])]);
    for (const r of rows) {
      const channel = channelOf(r[2], 'sends.channel');
      if (!o.channels.includes(channel)) continue;
      const leadId = int(r[1], 'sends.lead_id');
      rowIds.set(`${leadId}|${channel}|${int(r[3], 'sends.step')}`, int(r[0], 'sends.id'));
      rowsOf.set(leadId, (rowsOf.get(leadId) ?? 0) + 1);
    }
  }
  const built = [...byLead.keys()].filter((id) => rowsOf.get(id) === byLead.get(id)!.length);
  if (built.length) {
    const now = await db.all(`SELECT id, status, status_reason, updated_at FROM leads WHERE id IN ${inValues(db, 'int')}`, [JSON.stringify(built)]);
    for (const r of now) {
      const leadId = int(r[0], 'leads.id');
      const records = byLead.get(leadId)!;
      // The plan's lead object is this call's own: it takes the lead's new status in place.
      const lead = records[0].lead;
      lead.status = statusOf(r[1], 'leads.status');
      lead.statusReason = textOrNull(r[2], 'leads.status_reason');
      lead.updatedAt = text(r[3], 'leads.updated_at');
      const sends = records
        .map((x) => sendOf(x, rowIds.get(`${leadId}|${x.record.channel}|${x.record.step}`)!))
        .sort((a, b) => a.step - b.step || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
      out.set(leadId, { lead, sends });
    }
  }
  const rest = leadIds.filter((id) => !out.has(id));
  if (rest.length) {
    const leads = await leadsByIdsOn(db, rest);
    const ledger = await sendsOfLeads(db, rest);
    for (const id of rest) {
      const lead = leads.get(id);
      if (!lead) continue;
      const sends = (ledger.get(id) ?? []).filter((s) => s.dryRun === o.dryRun && o.channels.includes(s.channel as Channel));
      out.set(id, { lead, sends });
    }
  }
  return out;
}

/** The ledger row a dry-run record wrote, as a lead's detail reads it (attempts 1, settled when recorded). */
function sendOf(r: RecordedSend, id: number): LeadSend {
  const s = r.record.settlement;
  const sent = s.state === 'SENT';
  return {
    id,
    channel: r.record.channel,
    step: r.record.step,
    dryRun: true,
    state: sent ? 'SIMULATED' : s.state,
    attempts: 1,
    messageId: r.messageId,
    rfcMessageId: sent ? s.rfcMessageId : null,
    response: sent ? s.response : null,
    error: sent ? null : s.error,
    sentAt: sent ? r.at : null,
    nextAttemptAt: null,
  };
}
