/**
 * `DELETE /api/leads/:id` erases one person (every row about them; their address kept only as a one-way hash on the
 * suppression list) and `DELETE /api/leads` clears the store of leads. Both need the token (mounted behind it).
 */
import { Router } from 'express';
import type { Logger } from '../../lib/log/logger';
import type { Store } from '../../lib/store/store';
import { clearLeads, eraseLead } from '../../lib/leads/erase';
import { HttpError } from '../httpError';
import { leadId, parseOr400 } from '../queries';

export function eraseApi(store: Store, log: Logger, changed: () => void): Router {
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
    const deleted = clearLeads(store);
    log.info({ deleted }, 'store cleared');
    changed();
    res.json({ deleted });
  });

  return r;
}
