/** The read side of the JSON API: metrics (of the store or one campaign), the campaigns, a page of leads, one lead in full. Each is one lib call. */
import { Router } from 'express';
import type { AnyStore } from '../../lib/store/openDb';
import { getMetrics } from '../../lib/metrics/metrics';
import { listLeadsOf } from '../../lib/store/leads';
import { getLeadDetail } from '../../lib/leads/detail';
import { HttpError } from '../httpError';
import { leadId, leadsQuery, metricsQuery, parseOr400 } from '../queries';
import { listCampaigns } from '../../lib/campaigns/campaigns';

export function readApi(store: AnyStore): Router {
  const r = Router();

  r.get('/metrics', async (req, res) => {
    const q = parseOr400(metricsQuery, req.query, 'query');
    res.json(await getMetrics(store, { campaign: q.campaign }));
  });

  r.get('/campaigns', async (_req, res) => {
    res.json({ campaigns: await listCampaigns(store) });
  });

  // A cursor page (after / before) has no page number: the page counts its own as it moves. `hasMore`: more leads
  // past this page in the direction it was read; `totalIsLowerBound`: a search counted to its cap ("10,000+").
  r.get('/leads', async (req, res) => {
    const q = parseOr400(leadsQuery, req.query, 'query');
    const page = q.after === undefined && q.before === undefined ? (q.page ?? 1) : null;
    const found = await listLeadsOf(store, {
      status: q.status,
      search: q.q,
      limit: q.limit,
      offset: page === null ? 0 : (page - 1) * q.limit,
      afterId: q.after,
      beforeId: q.before,
    });
    res.json({
      total: found.total,
      totalIsLowerBound: found.totalIsLowerBound,
      page,
      limit: q.limit,
      pages: Math.max(1, Math.ceil(found.total / q.limit)),
      hasMore: found.hasMore,
      leads: found.leads,
    });
  });

  r.get('/leads/:id', async (req, res) => {
    const id = parseOr400(leadId, req.params.id, 'lead id');
    const detail = await getLeadDetail(store, id);
    if (!detail) throw new HttpError(404, `no lead #${id} in this store (it may have been erased)`);
    res.json(detail);
  });

  return r;
}
