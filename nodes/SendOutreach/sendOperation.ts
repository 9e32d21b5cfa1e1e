/**
 * Send: queue each lead's assigned-variant message in the ledger, then drain the ledger through lib's sendQueued —
 * in a dry run recording what would be sent, live through the SMTP credential. "Tick" sends at most a batch and
 * returns, for a Schedule Trigger to call every minute; "Send All" drains until nothing is due or the wait bound.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DRY_RUN_SENDER, getLead, getLeadDetail, sendQueued, type Channel, type EmailTransport, type Sender } from '../../lib';
import { queueLead } from '../../lib/outreach/queueLead';
import { createSmtpTransport } from '../../lib/outreach/smtp';
import { withNodeStore } from '../shared/openNodeStore';
import { chooseTargets } from '../shared/leadSource';
import { leadJson } from '../shared/leadJson';
import { perItem } from '../shared/perItem';
import { smtpSettingsFromCredential } from './smtpCredential';

export async function sendOperation(fns: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const channels = fns.getNodeParameter('channels', 0, ['email']) as Channel[];
  const dryRun = fns.getNodeParameter('dryRun', 0, true) as boolean;
  const mode = fns.getNodeParameter('mode', 0, 'tick') as 'tick' | 'sendAll';
  const perTick = fns.getNodeParameter('maxPerTick', 0, 50) as number;
  const maxWaitSeconds = fns.getNodeParameter('maxWaitSeconds', 0, 60) as number;
  if (channels.length === 0) throw new NodeOperationError(fns.getNode(), 'no channel chosen: pick Email, LinkedIn or both under Channels');

  let sender: Sender = DRY_RUN_SENDER;
  let transport: (EmailTransport & { close(): void }) | undefined;
  if (!dryRun) {
    const credential = await fns.getCredentials('leadflowSmtp').catch(() => null);
    if (!credential) {
      throw new NodeOperationError(fns.getNode(), 'live sending needs a Leadflow SMTP credential: add one, or turn Dry Run back on');
    }
    const settings = smtpSettingsFromCredential(credential);
    sender = settings.from;
    transport = createSmtpTransport(settings);
  }
  // CAN-SPAM / RFC 8058: lib refuses live email without these, with a message naming what to set.
  const unsubscribeBaseUrl = String(fns.getNodeParameter('unsubscribeBaseUrl', 0, '') || process.env.LEADFLOW_UNSUBSCRIBE_URL || '').trim();
  const postalAddress = String(fns.getNodeParameter('postalAddress', 0, '') || process.env.SENDER_POSTAL_ADDRESS || '').trim();
  const secret = process.env.LEADFLOW_SECRET ?? '';
  const compliance = unsubscribeBaseUrl && postalAddress && secret ? { unsubscribeBaseUrl, postalAddress, secret } : undefined;

  try {
    return await withNodeStore(fns, async (store) => {
      const targets = chooseTargets(fns, store);
      const queued = new Map<number, string>();
      for (const t of targets) {
        if (t.leadId === null) continue;
        const r = queueLead(store, t.leadId, { channels, dryRun });
        if (r.outcome !== 'queued') queued.set(t.leadId, r.reason);
      }
      const deadline = Date.now() + Math.max(0, maxWaitSeconds) * 1000;
      const tally = await sendQueued(store, {
        dryRun,
        channels,
        sender,
        transport,
        compliance: dryRun ? undefined : compliance,
        limit: mode === 'tick' ? Math.max(1, perTick) : undefined,
        shouldStop: mode === 'sendAll' ? () => Date.now() > deadline : undefined,
      });
      return perItem(fns, targets, (t, fail): IDataObject => {
        if (t.leadId === null) {
          throw fail(
            t.named ? `no lead with ${t.named} in the store: run Generate Leads on it first` : 'this item names no lead: give it a leadId, id or email field',
          );
        }
        const detail = getLeadDetail(store, t.leadId)!;
        const sends = detail.sends.filter((s) => s.dryRun === dryRun && channels.includes(s.channel as Channel));
        const notQueued = queued.get(t.leadId);
        if (notQueued && sends.length === 0) return leadJson(getLead(store, t.leadId)!, { outcome: 'skipped', reason: notQueued });
        const states = [...new Set(sends.map((s) => s.state))];
        const problem = sends.find((s) => s.error)?.error ?? undefined;
        return leadJson(
          detail.lead,
          { outcome: states.map((s) => s.toLowerCase()).join('+'), ...(problem ? { reason: problem } : {}) },
          { dryRun, sends: sends as unknown as IDataObject[], tick: { ...tally } },
        );
      });
    });
  } finally {
    transport?.close();
  }
}
