/**
 * A local HTTP server that speaks Groq's API (POST /openai/v1/chat/completions, GET /openai/v1/models), reached
 * through the real groq-sdk by `baseURL`. Each chat request is answered by a script (default: the fake model's
 * good answer), so a test can serve good answers, 429s with retry-after, 500s, slow answers, malformed or
 * schema-breaking JSON, over-long copy or a retired model — and then read back every request the server received,
 * with its arrival time, to check the budget from the server's side.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { goodAnswer, type ChatBody } from './groqFakeModel';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; a string is sent as is. */
  body?: unknown;
  delayMs?: number;
}

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  authorization: string;
  body: ChatBody;
}

/** Answers the n-th chat request (0-based). */
export type ChatScript = (body: ChatBody, n: number) => Reply | Promise<Reply>;

export interface GroqServer {
  /** The host root, as groq-sdk wants it: requests go to `${baseURL}/openai/v1/...`. */
  baseURL: string;
  requests: ReceivedRequest[];
  chatRequests(): ReceivedRequest[];
  setChat(script: ChatScript): void;
  /** The most chat requests the server was answering at the same moment. */
  maxConcurrent(): number;
  /** The most chat requests that arrived within any window of `windowMs`. */
  maxInAnyWindow(windowMs: number): number;
  close(): Promise<void>;
}

export interface GroqServerOptions {
  chat?: ChatScript;
  /** Added before every chat answer. */
  latencyMs?: number;
  models?: { id: string; owned_by: string; active?: boolean; context_window?: number }[];
}

let completionSeq = 0;

/** A 200 chat completion whose message content is `content` (objects are JSON-encoded). */
export function answer(content: unknown, o: { finishReason?: string; model?: string; delayMs?: number } = {}): Reply {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  return {
    delayMs: o.delayMs,
    body: {
      id: `chatcmpl-local-${++completionSeq}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: o.model ?? 'openai/gpt-oss-120b',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: o.finishReason ?? 'stop', logprobs: null }],
      usage: { prompt_tokens: 0, completion_tokens: Math.ceil(text.length / 4), total_tokens: 0 },
    },
  };
}

export function good(body: ChatBody, delayMs?: number): Reply {
  return answer(goodAnswer(body), { model: body.model, delayMs });
}

export function rateLimited(retryAfterSeconds: number): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds), 'x-ratelimit-limit-requests': '30' },
    body: { error: { message: `Rate limit reached for model. Please try again in ${retryAfterSeconds}s.`, type: 'requests', code: 'rate_limit_exceeded' } },
  };
}

export function serverError(): Reply {
  return { status: 500, body: { error: { message: 'Internal Server Error', type: 'internal_server_error' } } };
}

export function decommissioned(model: string): Reply {
  return {
    status: 400,
    body: {
      error: {
        message: `The model \`${model}\` has been decommissioned and is no longer supported. Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.`,
        type: 'invalid_request_error',
        code: 'model_decommissioned',
      },
    },
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: Reply): void {
  const status = reply.status ?? 200;
  const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
  res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
  res.end(payload);
}

export async function startGroqServer(o: GroqServerOptions = {}): Promise<GroqServer> {
  let script: ChatScript = o.chat ?? ((body) => good(body));
  const requests: ReceivedRequest[] = [];
  let chatCount = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  const models = o.models ?? [
    { id: 'openai/gpt-oss-120b', owned_by: 'OpenAI', active: true, context_window: 131072 },
    { id: 'openai/gpt-oss-20b', owned_by: 'OpenAI', active: true, context_window: 131072 },
    { id: 'llama-3.1-8b-instant', owned_by: 'Meta', active: true, context_window: 131072 },
  ];
  const sockets = new Set<import('node:net').Socket>();
  // node:http ignores what a handler returns; this one answers (or fails) every request itself.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  const server = createServer(async (req, res) => {
    const at = Date.now();
    const raw = await readBody(req);
    const path = (req.url ?? '').split('?')[0];
    let body = {} as ChatBody;
    try {
      body = raw ? (JSON.parse(raw) as ChatBody) : body;
    } catch {
      // recorded as empty; the route below answers 400
    }
    requests.push({ at, method: req.method ?? '', path, authorization: String(req.headers.authorization ?? ''), body });
    if (req.method === 'GET' && path === '/openai/v1/models') return send(res, { body: { object: 'list', data: models.map((m) => ({ object: 'model', created: 1700000000, ...m })) } });
    if (req.method !== 'POST' || path !== '/openai/v1/chat/completions') return send(res, { status: 404, body: { error: { message: `no route ${req.method} ${path}` } } });
    mostInFlight = Math.max(mostInFlight, ++inFlight);
    const reply = await script(body, chatCount++);
    const delay = (reply.delayMs ?? 0) + (o.latencyMs ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    inFlight--;
    if (res.destroyed) return;
    // Usage as Groq reports it: prompt tokens from the request's text.
    const b = reply.body as { usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } } | undefined;
    if (b?.usage) {
      b.usage.prompt_tokens = Math.ceil(body.messages.reduce((n, m) => n + m.content.length, 0) / 4);
      b.usage.total_tokens = b.usage.prompt_tokens + b.usage.completion_tokens;
    }
    send(res, reply);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const chatRequests = () => requests.filter((r) => r.path === '/openai/v1/chat/completions');
  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    chatRequests,
    maxConcurrent: () => mostInFlight,
    setChat: (s) => {
      script = s;
    },
    maxInAnyWindow(windowMs) {
      const times = chatRequests().map((r) => r.at).sort((a, b) => a - b);
      let most = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i] - times[j] >= windowMs) j++;
        most = Math.max(most, i - j + 1);
      }
      return most;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
