/**
 * Send Outreach: sends (or, by default, dry-runs) each lead's messages through the send ledger, and records what
 * happened afterwards (reply, bounce, unsubscribe). The node maps parameters; sending is lib's one send path.
 */
import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { storePathProperty } from '../shared/storeParameter';
import * as recordEvent from './actions/recordEvent.operation';
import * as send from './actions/send.operation';
import { router } from './actions/router';
import { leadflowSmtpConnectionTest } from './smtpCredential';
import { leadflowStoreConnectionTest } from '../shared/storeCredential';
import { campaignOptions } from '../shared/campaignParameter';
import { byExpression, raw } from '../shared/subtitle';

/** "Record a bounce"; "Record each item's event" when the event type comes from the items (the inbox workflow). */
const RECORD_SUBTITLE = `${byExpression('eventType')} ? "Record each item's event" : ${raw('eventType')} === "unsubscribe" ? "Record an unsubscribe" : ${raw('eventType')} === "bounce" ? "Record a bounce" : "Record a reply"`;

/** "Dry run · up to 50 per tick", "Live sending · all due". */
const SEND_SUBTITLE =
  `(${raw('dryRun')} === false ? "Live sending" : ${raw('dryRun')} === true ? "Dry run" : "Live or dry run") + " · " + ` +
  `(${raw('mode')} === "sendAll" ? "all due" : ${byExpression('maxPerTick')} ? "one tick" : "up to " + ${raw('maxPerTick')} + " per tick")`;

export class SendOutreach implements INodeType {
  // The subtitle is built from named pieces (subtitle.ts); this rule recognises only a subtitle written as one literal.
  // eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
  description: INodeTypeDescription = {
    displayName: 'Send Outreach',
    name: 'sendOutreach',
    // Recording an event is mail coming in, not going out: its own inbox icon, chosen by the Operation parameter. n8n's
    // loader and editor resolve an icon expression to `file:` icons beside the node (1.123 and 2.x alike; checked in
    // Chromium by n8n.editorBrowser.test.ts); the official lint accepts only a literal path, so it is off for these lines.
    icon: {
      // eslint-disable-next-line @n8n/community-nodes/icon-validation
      light: '={{$parameter["operation"] === "recordEvent" ? "file:recordEvent.svg" : "file:sendOutreach.svg"}}',
      // eslint-disable-next-line @n8n/community-nodes/icon-validation
      dark: '={{$parameter["operation"] === "recordEvent" ? "file:recordEvent.dark.svg" : "file:sendOutreach.dark.svg"}}',
    },
    group: ['output'],
    version: 1,
    subtitle: `={{${raw('operation')} === "recordEvent" ? (${RECORD_SUBTITLE}) : ${SEND_SUBTITLE}}}`,
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
        // Shown only for a live Send — written as `hide`, not `show`: n8n 1.x's editor takes the fields a credential is
        // shown by as its authentication choice and moves them out of the panel (Operation and Dry Run vanished).
        displayOptions: { hide: { operation: ['recordEvent'], dryRun: [true] } },
      },
      // Optional: without it the node uses its Store File (SQLite); with it, the PostgreSQL store every worker shares.
      { name: 'leadflowStore', required: false, testedBy: 'leadflowStoreConnectionTest' },
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
          // The rule's sentence-casing drops punctuation: it would take the comma out of this list.
          // eslint-disable-next-line n8n-nodes-base/node-param-operation-option-action-miscased
          { name: 'Record Event', value: 'recordEvent', action: 'Record a reply, bounce or unsubscribe', description: 'Record a reply, bounce or unsubscribe' },
        ],
      },
      ...send.description,
      ...recordEvent.description,
      storePathProperty,
    ],
  };

  methods = {
    credentialTest: { leadflowSmtpConnectionTest, leadflowStoreConnectionTest },
    loadOptions: { listCampaigns: campaignOptions({ name: 'Every Active Campaign', description: 'The leads of every active campaign' }) },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return router.call(this);
  }
}
