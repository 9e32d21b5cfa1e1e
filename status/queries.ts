/**
 * What the API accepts, as zod schemas: query strings, path ids and the run request. `parseOr400` turns a failure
 * into a 400 whose message names each bad field and why.
 */
import { z } from 'zod';
import { CHANNELS, LEAD_STATUSES } from '../lib/types';
import { HttpError, zodReason } from './httpError';

/**
 * A whole number written the plain way — decimal digits, no sign, no leading zero — so `0x1`, `1e0`, `+1`, `01` or
 * ` 1` is refused rather than read as 1 (what `Number()` and `z.coerce.number()` would do).
 */
const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, 'must be a whole number written in decimal digits')
  .transform(Number)
  .pipe(z.number().max(Number.MAX_SAFE_INTEGER, 'is too large'));

/** `?status=` (empty) means "any": a form with nothing chosen sends exactly that. */
const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);

const status = z.preprocess(blankIsAbsent, z.enum(LEAD_STATUSES, { message: `must be one of ${LEAD_STATUSES.join(', ')}` }).optional());

/** A lead id as a cursor: `?after=` (the page after the lead with this id) or `?before=`. */
const cursorId = z.preprocess(blankIsAbsent, decimal.pipe(z.number().min(1, 'must be a lead id (1 or more)')).optional());

/**
 * `/api/leads`: `page` pages by offset (slower the deeper it goes); `after` / `before` page by cursor, at the same
 * cost at any depth — the page's Next and Previous use them. A cursor page is where its id says, so it takes no `page`.
 */
export const leadsQuery = z
  .object({
    status,
    q: z.preprocess(blankIsAbsent, z.string().max(200, 'must be at most 200 characters').optional()),
    page: z.preprocess(blankIsAbsent, decimal.pipe(z.number().min(1, 'must be 1 or more').max(1_000_000)).optional()),
    limit: z.preprocess(blankIsAbsent, decimal.pipe(z.number().min(1, 'must be 1 or more').max(200, 'must be at most 200')).default(25)),
    after: cursorId,
    before: cursorId,
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.after !== undefined && q.before !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['before'], message: 'cannot be combined with after: give the one cursor the page starts from' });
    }
    if (q.page !== undefined && (q.after !== undefined || q.before !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['page'], message: 'cannot be combined with after or before: a cursor already says where the page is' });
    }
  });

export const exportQuery = z.object({ status }).strict();

/** `?campaign=` (empty: the whole store): a campaign's name, as /api/campaigns lists them. */
export const metricsQuery = z
  .object({ campaign: z.preprocess(blankIsAbsent, z.string().max(63, 'must be at most 63 characters').optional()) })
  .strict();

export const leadId = decimal.pipe(z.number().min(1, 'must be 1 or more'));

/** A campaign's name in a path (`/api/campaigns/:name/…`), as /api/campaigns lists them. */
export const campaignName = z.string().min(1, 'is empty').max(63, 'must be at most 63 characters');

/** `?days=` to simulate (1–30, default 10) and `?start=` (an ISO date-time; default now) for a campaign's schedule. */
export const scheduleQuery = z
  .object({
    days: z.preprocess(blankIsAbsent, decimal.pipe(z.number().min(1, 'must be 1 or more').max(30, 'must be at most 30')).default(10)),
    start: z.preprocess(
      blankIsAbsent,
      z.iso.datetime({ offset: true, error: 'must be an ISO date and time, e.g. 2026-12-07T08:00:00Z' }).optional(),
    ),
  })
  .strict();

export const runRequest = z
  .object({
    leads: z.number().int().min(0).max(1_000_000, 'at most 1,000,000 per run').default(200),
    seed: z.number().int().default(42),
    channels: z.array(z.enum(CHANNELS)).min(1, 'choose at least one channel').default(['email', 'linkedin']),
    batchSize: z.number().int().min(1).max(10_000).default(500),
    dryRun: z.boolean().default(true),
    /** offline: the rules; ai: Groq (needs GROQ_API_KEY on the server), falling back to the rules per lead. */
    enrichMode: z.enum(['offline', 'ai']).default('offline'),
    personalizeMode: z.enum(['template', 'ai']).default('template'),
    resume: z.boolean().default(false),
  })
  .strict();
export type RunRequest = z.infer<typeof runRequest>;

export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw new HttpError(400, `bad ${what}: ${zodReason(r.error)}`);
  return r.data;
}
