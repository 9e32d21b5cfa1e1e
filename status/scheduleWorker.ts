/**
 * The body of a schedule simulation's worker thread (started by `ScheduleSimulator`, never by hand): open the store
 * on a connection of its own, simulate with lib's `simulateSchedule`, name the leads the schedule mails, close the
 * store, and post the answer or why it failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type Store } from '../lib/store/store';
import { leadsByIds } from '../lib/store/leads';
import { simulateSchedule } from '../lib/campaigns/schedule';
import { errorKind, errorMessage } from '../lib/errors';
import type { ScheduleJob, ScheduleWorkerMessage, SimulatedSchedule } from './scheduleSimulator';

async function simulate(job: ScheduleJob): Promise<SimulatedSchedule> {
  let store: Store | undefined;
  try {
    store = openStore(job.storePath, { create: false });
    const schedule = await simulateSchedule(store, job.campaign, job.config, {
      days: job.days,
      ...(job.start === undefined ? {} : { start: new Date(job.start) }),
    });
    const ids = [...new Set(schedule.days.flatMap((d) => d.sends.map((s) => s.leadId)))];
    const leads: SimulatedSchedule['leads'] = {};
    for (const [id, l] of leadsByIds(store, ids)) leads[id] = { name: `${l.firstName} ${l.lastName}`.trim(), company: l.company };
    return { ...schedule, leads };
  } finally {
    store?.close();
  }
}

if (parentPort) {
  const port = parentPort;
  const post = (m: ScheduleWorkerMessage) => port.postMessage(m);
  simulate(workerData as ScheduleJob).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => post({ type: 'failed', kind: errorKind(err), name: (err as Error)?.name ?? 'Error', message: errorMessage(err) }),
  );
}
