/**
 * Channels: which of a lead's channels a node works on (Personalize Messages writes them, Send Outreach sends on
 * them), defined once.
 */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { byExpression, raw } from './subtitle';

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

/** Channels in words, for the end of a canvas subtitle (an expression, see subtitle.ts): " · Email and LinkedIn", " · LinkedIn"… */
export const CHANNELS_SUBTITLE =
  `(${byExpression('channels')} ? "" : (${raw('channels')} || []).length > 1 ? " · Email and LinkedIn" : (${raw('channels')} || [])[0] === "linkedin" ? " · LinkedIn" : (${raw('channels')} || []).length ? " · Email" : " · no channel")`;

export const NO_CHANNEL = 'no channel chosen: pick Email, LinkedIn or both under Channels';
