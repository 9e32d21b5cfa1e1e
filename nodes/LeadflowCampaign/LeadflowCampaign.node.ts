/**
 * Leadflow Campaign: a campaign — whose offer, in whose voice, with which steps and templates — created or updated
 * (from YAML/JSON or field by field, linted at save), activated, paused, resumed or finished, given leads from input
 * items, previewed, or listed. The node maps parameters and items; lib's campaigns module does the work. The other
 * leadflow nodes pick a campaign by the same dropdown.
 */
import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { storePathProperty } from '../shared/storeParameter';
import { leadflowStoreConnectionTest } from '../shared/storeCredential';
import { campaignOptions, campaignProperty } from '../shared/campaignParameter';
import * as addLeads from './actions/addLeads.operation';
import * as list from './actions/list.operation';
import * as preview from './actions/preview.operation';
import * as save from './actions/save.operation';
import { router } from './actions/router';
import { byExpression, raw } from '../shared/subtitle';

const op = (value: string) => `(${raw('operation')} === "${value}")`;

export class LeadflowCampaign implements INodeType {
  // The subtitle is built from named pieces (subtitle.ts); this rule recognises only a subtitle written as one literal.
  // eslint-disable-next-line n8n-nodes-base/node-class-description-missing-subtitle
  description: INodeTypeDescription = {
    displayName: 'Leadflow Campaign',
    name: 'leadflowCampaign',
    icon: { light: 'file:leadflowCampaign.svg', dark: 'file:leadflowCampaign.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      `={{${op('save')} ? "Create or update a campaign" : ${op('list')} ? "List campaigns" : ` +
      `(${op('addLeads')} ? "Add leads to" : ${op('activate')} ? "Activate" : ${op('pause')} ? "Pause" : ${op('resume')} ? "Resume" : ${op('finish')} ? "Finish" : "Preview")` +
      ` + " " + (!${raw('campaign')} || ${byExpression('campaign')} ? "a campaign" : ${raw('campaign')})}}`,
    description: 'Create, update, activate, pause, resume and finish outreach campaigns, add leads to one, and preview its messages',
    defaults: { name: 'Leadflow Campaign' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [
      // Optional: without it the node uses its Store File (SQLite); with it, the PostgreSQL store every worker shares.
      // A database login, like n8n's own `postgres` credential: not an API.
      // eslint-disable-next-line n8n-nodes-base/node-class-description-credentials-name-unsuffixed
      { name: 'leadflowStore', required: false, testedBy: 'leadflowStoreConnectionTest' },
    ],
    properties: [
      // Every operation acts on one kind of thing, a campaign (n8n's rule wants a Resource above more than five
      // operations): a Resource parameter here would be a menu of one choice, "Campaign", in front of them.
      // eslint-disable-next-line @n8n/community-nodes/resource-operation-pattern
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        default: 'save',
        options: [
          { name: 'Activate', value: 'activate', action: 'Activate a campaign', description: 'Start a draft campaign: its leads are written to and sent' },
          { name: 'Add Leads', value: 'addLeads', action: 'Add leads to a campaign', description: 'The leads the input items name join the campaign' },
          { name: 'Create or Update', value: 'save', action: 'Create or update a campaign', description: 'Save a campaign from YAML/JSON or fields, its templates linted' },
          { name: 'Finish', value: 'finish', action: 'Finish a campaign', description: 'End the campaign for good; its figures stay' },
          { name: 'List', value: 'list', action: 'List campaigns', description: 'One item per campaign, with its state and leads' },
          { name: 'Pause', value: 'pause', action: 'Pause a campaign', description: 'Hold its leads: nothing is written or sent until it resumes' },
          { name: 'Preview', value: 'preview', action: 'Preview a campaign', description: 'Its messages rendered for a few of its leads; writes nothing' },
          { name: 'Resume', value: 'resume', action: 'Resume a campaign', description: 'A paused campaign is active again' },
        ],
      },
      campaignProperty({
        description: 'The campaign to work on',
        required: true,
        displayOptions: { show: { operation: ['activate', 'addLeads', 'finish', 'pause', 'preview', 'resume'] } },
      }),
      ...save.description,
      ...addLeads.description,
      ...preview.description,
      ...list.description,
      storePathProperty,
    ],
  };

  methods = { loadOptions: { listCampaigns: campaignOptions() }, credentialTest: { leadflowStoreConnectionTest } };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return router.call(this);
  }
}
