/**
 * A short persona label from a lead's function and seniority ("Technical decision maker", "Finance executive"):
 * the words an SDR would use to say who this person is to the buying decision.
 */
import type { Industry } from '../types';
import type { JobFunction } from './jobFunction';
import type { Seniority } from './seniority';

type Labels = readonly [senior: string, manager: string, individual: string];

const PERSONAS: Readonly<Record<JobFunction, Labels>> = {
  technology: ['Technical decision maker', 'Engineering manager', 'Technical practitioner'],
  operations: ['Operations leader', 'Operations manager', 'Operations specialist'],
  finance: ['Finance executive', 'Finance manager', 'Finance practitioner'],
  revenue: ['Revenue leader', 'Sales manager', 'Sales professional'],
  marketing: ['Marketing leader', 'Marketing manager', 'Marketing specialist'],
  supplyChain: ['Supply chain leader', 'Supply chain manager', 'Supply chain specialist'],
  clinical: ['Clinical operations leader', 'Clinical manager', 'Clinical practitioner'],
  commerce: ['Commerce leader', 'E-commerce manager', 'Commerce specialist'],
  people: ['People leader', 'HR manager', 'HR specialist'],
  product: ['Product leader', 'Product manager', 'Product specialist'],
  executive: ['Executive decision maker', 'General manager', 'Business owner'],
  general: ['Business leader', 'Team manager', 'Individual contributor'],
};

// Operations in a hospital is patient flow, beds and staffing: the clinical operations desk, not the plant floor.
const HEALTHCARE_OPERATIONS: Labels = ['Clinical operations leader', 'Clinical operations manager', 'Clinical operations specialist'];

function tierOf(seniority: Seniority): 0 | 1 | 2 {
  if (seniority === 'Manager') return 1;
  if (seniority === 'Individual contributor') return 2;
  return 0;
}

export function personaFor(jobFunction: JobFunction, seniority: Seniority, industry: Industry | null): string {
  const labels = industry === 'Healthcare' && jobFunction === 'operations' ? HEALTHCARE_OPERATIONS : PERSONAS[jobFunction];
  return labels[tierOf(seniority)];
}
