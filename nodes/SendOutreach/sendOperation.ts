/**
 * Send: queue each lead's assigned-variant message in the ledger, then drain the ledger through lib's sendQueued —
 * in a dry run recording what would be sent, live through the SMTP credential within the sending limits (rate, daily
 * cap, send window), which lib keeps across every process sharing the store. "Tick" sends what the budget allows now
 * and returns, for a Schedule Trigger to call every minute; "Send All" also waits for budget and due retries, up to
 * Max Wait, spacing live sends by the rate. What a limit held back stays queued, and its item says why.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { DRY_RUN_SENDER, getLead, getLeadDetail, sendQueued, type Channel, type EmailTransport, type Sender } from '../../lib';
import { queueLead } from '../../lib/outreach/queueLead';
import { createSmtpTransport } from '../../lib/outreach/smtp';
import { DEFAULT_LIMITS, parseSendWindow, type SendLimits } from '../../lib/outreach/limits';
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
  const maxRetries = Math.max(0, Math.floor(fns.getNodeParameter('maxRetries', 0, 2) as number));
  if (channels.length === 0) throw new NodeOperationError(fns.getNode(), 'no channel chosen: pick Email, LinkedIn or both under Channels');
  const limits = dryRun ? undefined : sendLimitsFromParameters(fns);

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
      const tally = await sendQueued(store, {
        dryRun,
        channels,
        sender,
        transport,
        compliance: dryRun ? undefined : compliance,
        limits,
        maxRetries,
        limit: mode === 'tick' ? Math.max(1, perTick) : undefined,
        // 0 is lib's "tick": send what the budget allows now. Send All may wait, in all, up to Max Wait.
        maxWaitMs: mode === 'sendAll' ? Math.max(0, maxWaitSeconds) * 1000 : 0,
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
        // A send a limit held back is still QUEUED: say which limit, so the item does not read as forgotten.
        const heldBack = states.includes('QUEUED') && tally.limitedBy ? `still queued: ${tally.limitedBy}` : undefined;
        const problem = sends.find((s) => s.error)?.error ?? heldBack;
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

/** The Sending Limits parameters as lib's SendLimits; a send window lib cannot read fails the node with its example. */
function sendLimitsFromParameters(fns: IExecuteFunctions): SendLimits {
  const whole = (name: string, fallback: number) => Math.max(0, Math.floor(Number(fns.getNodeParameter(name, 0, fallback)) || 0));
  const windowText = String(fns.getNodeParameter('sendWindow', 0, '') ?? '').trim();
  let window: SendLimits['window'];
  try {
    window = windowText ? parseSendWindow(windowText) : undefined;
  } catch (err) {
    throw new NodeOperationError(fns.getNode(), `Send Window: ${(err as Error).message}`);
  }
  return {
    ...DEFAULT_LIMITS,
    ratePerMinute: whole('ratePerMinute', DEFAULT_LIMITS.ratePerMinute),
    dailyCap: whole('dailyCap', DEFAULT_LIMITS.dailyCap),
    ...(window ? { window } : {}),
  };
}
