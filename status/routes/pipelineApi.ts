/** `POST /api/pipeline/run` and `POST /api/pipeline/stop`: start a run in the background, or ask runs to stop. */
import { Router } from 'express';
import type { PipelineRunner } from '../pipelineRunner';
import { HttpError } from '../httpError';
import { parseOr400, runRequest } from '../queries';

export function pipelineApi(runner: PipelineRunner): Router {
  const r = Router();

  r.post('/pipeline/run', async (req, res) => {
    const o = parseOr400(runRequest, req.body, 'run request');
    if (!o.dryRun) {
      throw new HttpError(400, 'live sending cannot be started from the status page: runs here are dry runs (keep "Dry run" on); send live from n8n or the CLI');
    }
    const runId = await runner.start(
      { leads: o.leads, seed: o.seed, channels: o.channels, batchSize: o.batchSize, enrichMode: o.enrichMode, personalizeMode: o.personalizeMode },
      o.resume,
    );
    res.status(202).json({ runId, running: true, dryRun: true, enrichMode: o.enrichMode, personalizeMode: o.personalizeMode });
  });

  r.post('/pipeline/stop', (_req, res) => {
    const asked = runner.stop();
    res.json({ asked });
  });

  return r;
}
