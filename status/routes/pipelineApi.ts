/** `POST /api/pipeline/run` and `POST /api/pipeline/stop`: start a run in the background, or ask runs to stop. */
import { Router } from 'express';
import type { BackgroundRunner } from '../../lib/pipeline/backgroundRunner';
import { HttpError } from '../httpError';
import { parseOr400, runRequest } from '../queries';

/** Why a PostgreSQL store's page starts no run. */
export const NO_RUNS_ON_POSTGRES =
  "runs start on a SQLite store: this page shows the PostgreSQL store n8n's queue-mode workers share, where the n8n workflows bring leads in and send";

export function pipelineApi(runner: BackgroundRunner | null): Router {
  const r = Router();

  r.post('/pipeline/run', async (req, res) => {
    if (!runner) throw new HttpError(409, NO_RUNS_ON_POSTGRES);
    const o = parseOr400(runRequest, req.body, 'run request');
    if (!o.dryRun) {
      throw new HttpError(400, 'live sending cannot be started from the status page: runs here are dry runs (keep "Dry run" on); send live from n8n or the CLI');
    }
    const options = { leads: o.leads, seed: o.seed, channels: o.channels, batchSize: o.batchSize, enrichMode: o.enrichMode, personalizeMode: o.personalizeMode };
    // A run already going, nothing to resume, no Groq key: LeadflowErrors, answered by their kind (jsonErrors).
    const { runId } = await runner.start(o.resume ? { resume: true } : { options });
    res.status(202).json({ runId, running: true, dryRun: true, enrichMode: o.enrichMode, personalizeMode: o.personalizeMode });
  });

  r.post('/pipeline/stop', (_req, res) => {
    if (!runner) throw new HttpError(409, NO_RUNS_ON_POSTGRES);
    res.json({ asked: runner.stop().length });
  });

  return r;
}
