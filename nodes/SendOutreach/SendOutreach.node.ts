/**
 * Send Outreach: sends (or, by default, dry-runs) each lead's messages through the send ledger, and records what
 * happened afterwards (reply, bounce, unsubscribe). The node maps parameters; sending is lib's one send path.
 */
import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { storePathProperty } from '../shared/storeParameter';
import { sourceProperties } from '../shared/leadSource';
import { channelsProperty } from '../shared/channelsProperty';
import * as recordEvent from './actions/recordEvent.operation';
import { router } from './actions/router';
import { leadflowSmtpConnectionTest } from './smtpCredential';

const onSend = { show: { operation: ['send'] } };
const onLiveSend = { show: { operation: ['send'], dryRun: [false] } };

export class SendOutreach implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Send Outreach',
    name: 'sendOutreach',
    icon: 'file:sendOutreach.svg',
    group: ['output'],
    version: 1,
    subtitle: '={{$parameter["operation"] === "recordEvent" ? "Record " + $parameter["eventType"] : ($parameter["dryRun"] === false ? "Live " : "Dry run ") + $parameter["mode"]}}',
    description: 'Send outreach through the send ledger (dry run by default) and record replies, bounces and unsubscribes',
    defaults: { name: 'Send Outreach' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      {
        // The name the issue fixes, after n8n's own `smtp`; an SMTP login is not an API.
        // eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
        name: 'leadflowSmtp',
        required: true,
        testedBy: 'leadflowSmtpConnectionTest',
        displayOptions: { show: { operation: ['send'], dryRun: [false] } },
      },
    ],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        default: 'send',
        options: [
          { name: 'Send', value: 'send', action: 'Send outreach to leads', description: 'Queue and send (or dry-run) messages' },
          { name: 'Record Event', value: 'recordEvent', action: 'Record a reply bounce or unsubscribe', description: 'Record a reply, bounce or unsubscribe' },
        ],
      },
      {
        displayName: 'Dry Run',
        name: 'dryRun',
        type: 'boolean',
        default: true,
        description: 'Whether to only record what would be sent. Turn off to send live through the SMTP credential (synthetic .example leads are never mailed).',
        displayOptions: onSend,
      },
      channelsProperty({
        description: 'Which channels to send on (LinkedIn is simulated: recorded in the ledger, nothing leaves)',
        linkedin: 'LinkedIn (Simulated)',
        displayOptions: onSend,
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
        displayOptions: onSend,
      },
      {
        displayName: 'Max per Tick',
        name: 'maxPerTick',
        type: 'number',
        typeOptions: { minValue: 1 },
        default: 50,
        description: 'At most this many messages leave in one tick',
        displayOptions: { show: { operation: ['send'], mode: ['tick'] } },
      },
      {
        displayName: 'Max Wait (Seconds)',
        name: 'maxWaitSeconds',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: 60,
        description: 'Send All waits for the rate limit or due retries at most this long in all; what is left stays queued for the next run',
        displayOptions: { show: { operation: ['send'], mode: ['sendAll'] } },
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
        displayOptions: { show: { operation: ['send'], dryRun: [false] } },
      },
      {
        displayName: 'Postal Address',
        name: 'postalAddress',
        type: 'string',
        default: '',
        description: "The sender's postal address for the email footer (CAN-SPAM). Empty: $SENDER_POSTAL_ADDRESS.",
        displayOptions: { show: { operation: ['send'], dryRun: [false] } },
      },
      ...sourceProperties('MESSAGED', 'send to').map((p) => ({ ...p, displayOptions: { ...p.displayOptions, ...onSend } })),
      ...recordEvent.description,
      storePathProperty,
    ],
  };

  methods = { credentialTest: { leadflowSmtpConnectionTest } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return router.call(this);
  }
}
