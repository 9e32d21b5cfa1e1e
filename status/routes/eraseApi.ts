/**
 * `DELETE /api/leads/:id` erases one person (every row about them; their address kept only as a one-way hash on the
 * suppression list) and `DELETE /api/leads` clears the store of leads. Both need the token (mounted behind it).
 */
import { Router } from 'express';
import type { Logger } from '../../lib/log/logger';
import type { AnyStore } from '../../lib/store/openDb';
import { clearLeads, eraseLead } from '../../lib/leads/erase';
import { HttpError } from '../httpError';
import { leadId, parseOr400 } from '../queries';

export function eraseApi(store: AnyStore, log: Logger, changed: () => void): Router {
  const r = Router();

  r.delete('/leads/:id', async (req, res) => {
    const id = parseOr400(leadId, req.params.id, 'lead id');
    const erased = await eraseLead(store, id);
    if (!erased) throw new HttpError(404, `no lead #${id} in this store (it may already have been erased)`);
    // The log keeps the id only: the address is exactly what was asked to be forgotten.
    log.info({ leadId: id, deleted: erased.deleted }, 'lead erased');
    changed();
    res.json({ erased: true, leadId: id, deleted: erased.deleted, suppressedHash: erased.hash });
  });

  // A run still going is lib's EraseError of kind conflict: 409, mapped by jsonErrors.
  r.delete('/leads', (_req, res) => {
    if (store.dialect !== 'sqlite') {
      // Every worker sends from this store: emptying it under them is not a page button. Erase people one at a time.
      throw new HttpError(409, "clearing every lead is for a SQLite store of your own; this is the PostgreSQL store n8n's workers share: erase people one at a time");
    }
    const deleted = clearLeads(store);
    log.info({ deleted }, 'store cleared');
    changed();
    res.json({ deleted });
  });

  return r;
}
