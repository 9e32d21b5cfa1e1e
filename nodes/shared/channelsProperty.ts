/**
 * Channels: which of a lead's channels a node works on (Personalize Messages writes them, Send Outreach sends on
 * them), defined once.
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

export function channelsProperty(o: { description: string; linkedin?: string; displayOptions?: IDisplayOptions }): INodeProperties {
  return {
    displayName: 'Channels',
    name: 'channels',
    type: 'multiOptions',
    default: ['email'],
    options: [
      { name: 'Email', value: 'email' },
      { name: o.linkedin ?? 'LinkedIn', value: 'linkedin' },
    ],
    description: o.description,
    ...(o.displayOptions ? { displayOptions: o.displayOptions } : {}),
  };
}

export const NO_CHANNEL = 'no channel chosen: pick Email, LinkedIn or both under Channels';
