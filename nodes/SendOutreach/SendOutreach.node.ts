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
import { campaignOptions } from '../shared/campaignParameter';

export class SendOutreach implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Send Outreach',
    name: 'sendOutreach',
    icon: { light: 'file:sendOutreach.svg', dark: 'file:sendOutreach.dark.svg' },
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
      ...send.description,
      ...recordEvent.description,
      storePathProperty,
    ],
  };

  methods = {
    credentialTest: { leadflowSmtpConnectionTest },
    loadOptions: { listCampaigns: campaignOptions({ name: 'Every Active Campaign', description: 'The leads of every active campaign' }) },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return router.call(this);
  }
}
