/** `stop_pipeline`: ask every running pipeline on the store — this server's, the page's, the CLI's — to stop after its batch. */
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from '../context';
import { toolInput } from '../shapes';
import { guarded, toolResult } from '../result';

const input = toolInput({});
const output = z.object({
  asked: z.number().describe('running pipelines asked to stop'),
  runIds: z.array(z.number()),
});

export function registerStopPipeline(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'stop_pipeline',
    {
      title: 'Stop the pipeline',
      description:
        'Ask running pipeline runs to stop at their next batch boundary (nothing is half-written). A stopped run can be resumed with run_pipeline {"resume": true}. Watch it with get_status.',
      inputSchema: input,
      outputSchema: output,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded('stop_pipeline', () => {
      const runIds = ctx.runner.stop();
      const asked = runIds.length;
      const summary = asked
        ? `asked ${asked} running pipeline(s) to stop (run ${runIds.map((i) => '#' + i).join(', ')}); they stop after the current batch — see get_status`
        : 'no pipeline is running';
      return toolResult(summary, { asked, runIds });
    }),
  );
}
