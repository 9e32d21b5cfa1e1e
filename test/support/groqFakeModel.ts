/**
 * A stand-in for the model behind the local Groq server: answers a leadflow request the way a well-behaved model
 * would, from the data block it was sent (company profile or outreach copy), with usage counted from the text.
 * Tests script misbehaviour around it; the bench uses it as is.
 */
import { readDataBlock } from '../../lib/llm/dataBlock';

export interface ChatBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown> } };
  max_completion_tokens?: number;
}

export function dataOf(body: ChatBody): Record<string, unknown> {
  const user = [...body.messages].reverse().find((m) => m.role === 'user' && readDataBlock(m.content));
  return (user && readDataBlock(user.content)) ?? {};
}

export function companyProfile(body: ChatBody): Record<string, unknown> {
  const d = dataOf(body);
  const sizes = ['11-50', '51-200', '201-1000', '1001-5000'];
  const domain = String(d.domain ?? '');
  return {
    companySize: sizes[domain.length % sizes.length],
    painPoints: ['manual reconciliation between systems', 'slow approval workflows'],
    buyingTriggers: ['a new ERP rollout', 'rapid headcount growth'],
    confidence: 0.7,
  };
}

export function outreachCopy(body: ChatBody): Record<string, unknown> {
  const d = dataOf(body) as { recipient?: Record<string, string>; research?: { painPoints?: string[]; buyingTriggers?: string[] } };
  const r = d.recipient ?? {};
  const pain = d.research?.painPoints?.[0] ?? 'manual work';
  const trigger = d.research?.buyingTriggers?.[0] ?? 'planning season';
  const props = (body.response_format?.json_schema?.schema?.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if ('email' in props) {
    out.email = {
      subject: `A quick idea for ${r.company}`,
      body: `Hi ${r.firstName},\n\nTeams like yours at ${r.company} often wrestle with ${pain}. We help cut that work down, usually around ${trigger}.\n\nOpen to a 15-minute call next week?`,
    };
  }
  if ('linkedin' in props) out.linkedin = { body: `Hi ${r.firstName}, I work with teams like yours at ${r.company} on ${pain}. Open to a short chat?` };
  return out;
}

/** What a good model answers: the JSON the schema named in the request asks for. */
export function goodAnswer(body: ChatBody): Record<string, unknown> {
  return body.response_format?.json_schema?.name === 'company_profile' ? companyProfile(body) : outreachCopy(body);
}
