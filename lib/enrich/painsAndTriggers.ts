/**
 * The pain points and buying triggers for an industry × function, resolved once at module load so a lookup per
 * lead is two property reads. Where no precise row exists, the function's sharpest pain leads, the industry's
 * follows, and the triggers mix both, so every combination still reads specific.
 */
import { INDUSTRIES, type Industry } from '../types';
import { JOB_FUNCTIONS, type JobFunction } from './jobFunction';
import { BY_FUNCTION, BY_INDUSTRY, BY_INDUSTRY_AND_FUNCTION, type PainRow } from './painCopy';

function composed(industryRow: PainRow | undefined, functionRow: PainRow): PainRow {
  if (!industryRow) return functionRow;
  return Object.freeze({
    painPoints: Object.freeze([functionRow.painPoints[0], industryRow.painPoints[0], functionRow.painPoints[1]]),
    buyingTriggers: Object.freeze([industryRow.buyingTriggers[0], functionRow.buyingTriggers[0]]),
  });
}

function rowsFor(industry: Industry | null): Readonly<Record<JobFunction, PainRow>> {
  const rows = {} as Record<JobFunction, PainRow>;
  for (const jobFunction of JOB_FUNCTIONS) {
    const precise = industry ? BY_INDUSTRY_AND_FUNCTION[industry]?.[jobFunction] : undefined;
    rows[jobFunction] = precise ?? composed(industry ? BY_INDUSTRY[industry] : undefined, BY_FUNCTION[jobFunction]);
  }
  return rows;
}

const RESOLVED: ReadonlyMap<Industry | null, Readonly<Record<JobFunction, PainRow>>> = new Map(
  [null, ...INDUSTRIES].map((industry) => [industry, rowsFor(industry)]),
);

/** Shared, frozen rows: copy before handing them to anything that may mutate. */
export function painsAndTriggersFor(industry: Industry | null, jobFunction: JobFunction): PainRow {
  return RESOLVED.get(industry)![jobFunction];
}
