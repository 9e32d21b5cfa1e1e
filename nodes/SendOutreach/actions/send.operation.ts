/**
 * Send: queue each lead's assigned-variant message in the ledger (only active campaigns' leads, or one campaign's),
 * then drain the ledger through lib's sendQueued — in a dry run recording what would be sent, live through the SMTP
 * credential within the sending limits (rate, daily cap, send window), which lib keeps across every process sharing
 * the store. "Tick" sends what the budget allows now and returns, for a Schedule Trigger to call every minute; "Send
 * All" also waits for budget and due retries, up to Max Wait, spacing live sends by the rate. What a limit held back
 * stays queued, and its item says why.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import { type Channel } from '../../../lib';
import { sentLeadViews } from '../../../lib/sending/sentViews';
import type { RecordedSend } from '../../../lib/sending/sendReady';
import { sendReady } from '../../../lib/sending/sendReady';
import { sendingConfigFromN8n, type SendingConfig } from '../../../lib/sending/config';
import { nodeError } from '../../shared/nodeError';
import { withNodeDb } from '../../shared/openNodeStore';
import { chooseTargets, sourceProperties } from '../../shared/leadSource';
import { leadJson } from '../../shared/leadJson';
import { perItem } from '../../shared/perItem';
import { channelsProperty } from '../../shared/channelsProperty';
import { campaignProperty, chosenCampaignOn } from '../../shared/campaignParameter';

const onLiveSend = { show: { dryRun: [false] } };

const properties: INodeProperties[] = [
  {
    displayName: 'Dry Run',
    name: 'dryRun',
    type: 'boolean',
    default: true,
    description: 'Whether to only record what would be sent. Turn off to send live through the SMTP credential (synthetic .example leads are never mailed).',
  },
  {
    displayName:
      'Dry Run is off: this node sends real email to your leads through the Leadflow SMTP credential, within the limits below. Synthetic .example leads are never mailed.',
    name: 'liveSendNotice',
    type: 'notice',
    default: '',
    displayOptions: onLiveSend,
  },
  campaignProperty({
    description:
      "Every active campaign's leads, or only this campaign's (it must be active to send). An input item whose lead is in another campaign is skipped, saying which",
  }),
  channelsProperty({
    description: 'Which channels to send on (LinkedIn is simulated: recorded in the ledger, nothing leaves)',
    linkedin: 'LinkedIn (Simulated)',
  }),
  {
    displayName: 'Mode',
    name: 'mode',
    type: 'options',
    default: 'tick',
    options: [
      { name: 'Tick', value: 'tick', description: 'Send up to Max per Tick now and return; run it every minute from a Schedule Trigger' },
      { name: 'Send All', value: 'sendAll', description: 'Send everything due, pacing live sends by the rate and waiting for budget up to Max Wait' },
    ],
  },
  {
    displayName: 'Max per Tick',
    name: 'maxPerTick',
    type: 'number',
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'At most this many messages leave in one tick',
    displayOptions: { show: { mode: ['tick'] } },
  },
  {
    displayName: 'Max Wait (Seconds)',
    name: 'maxWaitSeconds',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 60,
    description: 'Send All waits for the rate limit or due retries at most this long in all; what is left stays queued for the next run',
    displayOptions: { show: { mode: ['sendAll'] } },
  },
  {
    displayName: 'Rate per Minute',
    name: 'ratePerMinute',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 10, // lib's DEFAULT_LIMITS.ratePerMinute; the lint wants a literal
    description: 'Live sends per rolling minute from this mailbox, counted across every process sharing the store (0: no limit)',
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Daily Cap',
    name: 'dailyCap',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 200, // lib's DEFAULT_LIMITS.dailyCap
    description: "Live sends per day from this mailbox, the day counted in the send window's timezone, else UTC (0: no cap)",
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Send Window',
    name: 'sendWindow',
    type: 'string',
    default: '',
    placeholder: 'Mon-Fri 09-17 Europe/Berlin',
    description: 'Days, hours and timezone live sends may leave in; outside it they stay queued. Empty: any time.',
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Max Retries',
    name: 'maxRetries',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 2,
    description: 'How many times a transient SMTP failure (4xx, dropped connection) is retried, with backoff, before the send is marked failed',
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Bounce Pause Threshold (%)',
    name: 'bouncePausePercent',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 100 },
    default: 5,
    description: 'Sending pauses when more than this share of the last 100 live emails since the last resume hard-bounced (0: never pause)',
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Recipient Verification',
    name: 'verificationPolicy',
    type: 'options',
    default: 'off',
    options: [
      { name: 'Off', value: 'off', description: 'Send whether or not the address was verified' },
      { name: 'Deliverable Only', value: 'deliverable-only', description: 'Hold back a first email until `leadflow verify` found the address deliverable' },
      { name: 'Allow Risky', value: 'allow-risky', description: 'Hold back a first email the verification found undeliverable, or never verified' },
    ],
    description: 'Whether a first email waits for recipient verification (MX, disposable and role checks)',
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Unsubscribe Base URL',
    name: 'unsubscribeBaseUrl',
    type: 'string',
    default: '',
    placeholder: 'https://n8n.yourcompany.com/webhook/leadflow-unsubscribe',
    description: 'Live email carries a signed one-click unsubscribe link to this URL (the bundled unsubscribe webhook). Empty: $LEADFLOW_UNSUBSCRIBE_URL. Signing needs LEADFLOW_SECRET set for n8n.',
    displayOptions: onLiveSend,
  },
  {
    displayName: 'Postal Address',
    name: 'postalAddress',
    type: 'string',
    default: '',
    placeholder: 'Your Co, 1 Main St, Springfield',
    description:
      "Only when the Leadflow SMTP credential has none (workflows from before the credential held it): the sender's postal address for every live email's footer (CAN-SPAM requires one). The credential's Postal Address, which it requires, comes first.",
    displayOptions: onLiveSend,
  },
  ...sourceProperties('MESSAGED', 'send to'),
];

export const description = updateDisplayOptions({ show: { operation: ['send'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
  return sendOperation(this);
}

export async function sendOperation(fns: IExecuteFunctions): Promise<INodeExecutionData[]> {
  const channels = fns.getNodeParameter('channels', 0, ['email']) as Channel[];
  const dryRun = fns.getNodeParameter('dryRun', 0, true) as boolean;
  const mode = fns.getNodeParameter('mode', 0, 'tick') as 'tick' | 'sendAll';
  const perTick = fns.getNodeParameter('maxPerTick', 0, 50) as number;
  const maxWaitSeconds = fns.getNodeParameter('maxWaitSeconds', 0, 60) as number;
  if (channels.length === 0) throw new NodeOperationError(fns.getNode(), 'no channel chosen: pick Email, LinkedIn or both under Channels');
  const config = await sendingConfigOf(fns, dryRun);

  return withNodeDb(fns, async (store) => {
    const campaign = await chosenCampaignOn(fns, store);
    // A dry run leaves its leads MESSAGED: from the store, it takes only those it has not recorded yet.
    const targets = await chooseTargets(fns, store, { campaignId: campaign?.id, awaitingDryRun: dryRun });
    const leadIds = targets.flatMap((t) => (t.leadId === null ? [] : [t.leadId]));
    const recorded: RecordedSend[] = [];
    const r = await sendReady(
      store,
      {
        channels,
        leadIds,
        campaign: campaign?.name,
        limit: mode === 'tick' ? Math.max(1, perTick) : undefined,
        // 0 is lib's "tick": send what the budget allows now. Send All may wait, in all, up to Max Wait.
        maxWaitMs: mode === 'sendAll' ? Math.max(0, maxWaitSeconds) * 1000 : 0,
      },
      config,
      { recorded },
    );
    const notReady = new Map(r.unplanned.map((u) => [u.leadId, u.reason]));
    // What each item shows: built from what the call recorded, read once for all items where it must be.
    const views = await sentLeadViews(store, leadIds, recorded, { dryRun, channels });
    const tick = {
      claimed: r.claimed,
      sent: r.sent,
      simulated: r.simulated,
      failed: r.failed,
      skipped: r.skipped,
      requeued: r.requeued,
      unknown: r.unknown,
      limitedBy: r.limitedBy ?? null,
      stillQueued: r.stillQueued ?? 0,
      nextSendAt: r.nextSendAt ?? null,
    };
    return perItem(fns, targets, (t, fail): IDataObject => {
      if (t.leadId === null) {
        throw fail(
          t.named ? `no lead with ${t.named} in the store: run Generate Leads on it first` : 'this item names no lead: give it a leadId, id or email field',
        );
      }
      const { lead, sends } = views.get(t.leadId)!;
      const why = notReady.get(t.leadId);
      if (why && sends.length === 0) return leadJson(lead, { outcome: 'skipped', reason: why });
      const states = [...new Set(sends.map((s) => s.state))];
      // A send a limit held back is still QUEUED: say which limit, so the item does not read as forgotten.
      const heldBack = states.includes('QUEUED') && r.limitedBy ? `still queued: ${r.limitedBy}` : undefined;
      const problem = sends.find((s) => s.error)?.error ?? heldBack;
      return leadJson(
        lead,
        { outcome: states.map((s) => s.toLowerCase()).join('+'), ...(problem ? { reason: problem } : {}) },
        { dryRun, sends: sends as unknown as IDataObject[], tick },
      );
    });
  });
}

/**
 * The node's SendingConfig: the SMTP credential (the mailbox and the compliance settings) and the Sending Limits
 * parameters, validated by lib exactly as the CLI and the MCP server validate theirs.
 */
async function sendingConfigOf(fns: IExecuteFunctions, dryRun: boolean): Promise<SendingConfig> {
  const credential = await fns.getCredentials('leadflowSmtp').catch(() => null);
  const whole = (name: string, fallback: number) => Math.max(0, Math.floor(Number(fns.getNodeParameter(name, 0, fallback)) || 0));
  const policy = String(fns.getNodeParameter('verificationPolicy', 0, 'off') ?? 'off');
  try {
    return sendingConfigFromN8n({
      live: !dryRun,
      credential: credential as Record<string, unknown> | null,
      parameters: {
        ratePerMinute: whole('ratePerMinute', 10),
        dailyCap: whole('dailyCap', 200),
        sendWindow: String(fns.getNodeParameter('sendWindow', 0, '') ?? ''),
        maxRetries: whole('maxRetries', 2),
        bounceThreshold: Number(fns.getNodeParameter('bouncePausePercent', 0, 5)) / 100,
        verificationPolicy: policy === 'off' ? undefined : policy,
        unsubscribeBaseUrl: String(fns.getNodeParameter('unsubscribeBaseUrl', 0, '') ?? ''),
        postalAddress: String(fns.getNodeParameter('postalAddress', 0, '') ?? ''),
      },
    });
  } catch (err) {
    throw nodeError(fns.getNode(), err);
  }
}
