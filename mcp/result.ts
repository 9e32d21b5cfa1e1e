/**
 * How every tool answers: `structuredContent` for programs, a one-line summary for people, and the same JSON as text
 * for clients that only pass text to the model (the MCP spec asks tools with structured output to do both). Failures
 * are results with `isError` and a sentence the model can act on — never a stack trace.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

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
 * Run a handler and turn whatever it throws into a tool error. Lib errors already carry what to do; anything else
 * (a bug, a locked file) is reported by its message only, and logged to stderr — stdout is the MCP channel.
 */
export function guarded<A>(tool: string, handler: (args: A) => Promise<CallToolResult> | CallToolResult) {
  return async (args: A): Promise<CallToolResult> => {
    try {
      return await handler(args);
    } catch (err) {
      const e = err as Error;
      // Lib errors are named (ImportError, EventError, …) and carry their own advice; only the unexpected is logged.
      if (e.name === 'Error' || e.name === 'TypeError' || e.name === 'RangeError') process.stderr.write(`leadflow mcp: ${tool} failed: ${e.stack ?? e.message}\n`);
      return toolError(`${tool} failed: ${e.message}`);
    }
  };
}
