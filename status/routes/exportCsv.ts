/**
 * `GET /api/export.csv?status=`: every lead (or those in one status) as CSV, streamed page by page on the page's one
 * connection (`iterateLeads` holds no statement open between pages, so the page's other requests keep working while
 * a large export downloads; a second connection per export is what once let the WAL be deleted under the server).
 * A client that goes away ends the export.
 */
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { Router } from 'express';
import type { Logger } from '../../lib/log/logger';
import type { AnyStore } from '../../lib/store/openDb';
import { exportLeads } from '../../lib/leads/exportLeads';
import { exportQuery, parseOr400 } from '../queries';

export function exportCsv(store: AnyStore, log: Logger): Router {
  const r = Router();
  r.get('/export.csv', async (req, res) => {
    const q = parseOr400(exportQuery, req.query, 'query');
    const name = `leads${q.status ? '-' + q.status.toLowerCase() : ''}.csv`;
    res.status(200).set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });

    // A sink that waits for the socket, and fails (ending exportLeads) if the client disconnects mid-way.
    const sink = new Writable({
      write(chunk, _enc, done) {
        if (res.write(chunk)) done();
        else res.once('drain', () => done());
      },
    });
    const gone = () => {
      if (!res.writableEnded) sink.destroy(new Error('the client closed the connection'));
    };
    res.once('close', gone);
    try {
      const n = await exportLeads(store, sink, { status: q.status, format: 'csv' });
      // The sink may still hold rows waiting for the socket: let them all through before ending the response.
      sink.end();
      await once(sink, 'finish');
      res.end();
      log.info({ rows: n, status: q.status ?? 'any' }, 'export finished');
    } catch (err) {
      log.warn({ error: (err as Error).message }, 'export ended early');
      res.destroy();
    } finally {
      res.off('close', gone);
    }
  });
  return r;
}
