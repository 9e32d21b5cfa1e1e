/**
 * How every tool answers: `structuredContent` for programs, a one-line summary for people, and the same JSON as text
 * for clients that only pass text to the model (the MCP spec asks tools with structured output to do both). Failures
 * are results with `isError` and a sentence the model can act on — never a stack trace, never `structuredContent`.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorKind, errorMessage } from '../lib/errors';

export function toolResult<T extends Record<string, unknown>>(summary: string, structured: T): CallToolResult & { structuredContent: T } {
  return {
    content: [
      { type: 'text', text: summary },
      { type: 'text', text: JSON.stringify(structured) },
    ],
    structuredContent: structured,
  };
}

export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Run a handler and turn whatever it throws into a tool error: the one place the MCP server maps a LeadflowError's
 * kind (lib/errors.ts). Every kind but `internal` carries what to do about it, and the model gets that message.
 * Anything else — a bug, a driver's own error — is an internal error: its message goes to the model, marked as ours,
 * and its stack to stderr (stdout is the MCP channel).
 */
export function guarded<A>(tool: string, handler: (args: A) => Promise<CallToolResult> | CallToolResult) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      return await handler(args);
    } catch (err) {
      if (errorKind(err) !== 'internal') return toolError(`${tool} failed: ${errorMessage(err)}`);
      process.stderr.write(`leadflow mcp: ${tool} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      return toolError(`${tool} failed: internal error: ${errorMessage(err)} (the server logged the details on its stderr)`);
    }
  };
}
