/**
 * `GET /api/campaigns/:name/schedule?days=&start=`: a campaign's next days of sending, simulated before anything is
 * sent — lib's `simulateSchedule`, with the sending settings of this server's environment read the way `leadflow
 * campaign preview --days` and the MCP tool `simulate_campaign` read them (`sendingConfigFromEnv`: the limits, the
 * window, and with DRY_RUN_MODE=false the SMTP accounts and LEADFLOW_MAILBOXES). It runs in a worker thread, one at a
 * time: a request while one runs is a 429.
 */
import { Router } from 'express';
import type { AnyStore } from '../../lib/store/openDb';
import { loadCampaigns } from '../../lib/campaigns/campaigns';
import { sendingConfigFromEnv } from '../../lib/sending/config';
import type { ScheduleSimulator } from '../scheduleSimulator';
import { HttpError } from '../httpError';
import { campaignName, parseOr400, scheduleQuery } from '../queries';

export function scheduleApi(store: AnyStore, simulator: ScheduleSimulator | null): Router {
  const r = Router();

  r.get('/campaigns/:name/schedule', async (req, res) => {
    const name = parseOr400(campaignName, req.params.name, 'campaign name');
    const q = parseOr400(scheduleQuery, req.query, 'query');
    const names = [...(await loadCampaigns(store)).values()].map((c) => c.name);
    if (!names.includes(name)) throw new HttpError(404, `no campaign "${name}" in the store; campaigns: ${names.join(', ')}`);
    if (!simulator) throw new HttpError(409, 'the schedule simulation runs on a copy of a SQLite store; this page shows a PostgreSQL store (nothing was simulated)');
    // Read per request, as the CLI reads it per command: a setting that is wrong is a 503 naming it (jsonErrors).
    const config = sendingConfigFromEnv(process.env, {});
    if (simulator.busy) {
      res.set('Retry-After', '2');
      throw new HttpError(429, 'a schedule simulation is already running on this page (one at a time): try again when it has finished');
    }
    // A page closed mid-simulation frees the simulator rather than keep it busy for an answer nobody reads.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const job = { campaign: name, config, days: q.days, ...(q.start === undefined ? {} : { start: q.start }) };
    res.json(await simulator.simulate(job, gone.signal));
  });

  return r;
}
