/**
 * The business function a job title belongs to ("VP of Supply Chain" → supplyChain), read from keywords.
 * Returns null when the title names no function we know, so the caller can tell evidence from a default.
 */
import type { Industry } from '../types';

export const JOB_FUNCTIONS = [
  'technology',
  'operations',
  'finance',
  'revenue',
  'marketing',
  'supplyChain',
  'clinical',
  'commerce',
  'people',
  'product',
  'executive',
  'general',
] as const;
export type JobFunction = (typeof JOB_FUNCTIONS)[number];

// Checked top-down, most specific first: "Sales Operations" is revenue, "Accounts Payable" is finance, and
// "Chief Technology Officer" must reach technology before the executive catch-all sees "Chief".
const FUNCTIONS: ReadonlyArray<readonly [RegExp, JobFunction]> = [
  [/\b(?:clinical|medical|nursing|nurse|physician|patient|pharmac\w*|cno|cmio|cnio|health information)\b/i, 'clinical'],
  [
    /\b(?:supply[\s-]chain|cscos?|procurement|purchasing|sourcing|logistics|warehouse|warehousing|fulfil+ment|distribution|inventory|transportation|fleet|freight|shipping|buyer|materials)\b/i,
    'supplyChain',
  ],
  [/\b(?:e-?commerce|ecom|digital commerce|merchandis\w*|category|stores?|omnichannel|retail|marketplace)\b/i, 'commerce'],
  [
    /\b(?:cfo|finance|financial|controller|comptroller|accounting|accountant|treasury|treasurer|fp&a|tax|audit|payroll|billing|payable|receivable|credit|risk)\b/i,
    'finance',
  ],
  [/\b(?:chro|hr|human resources|people|talent|recruiting|recruiter|recruitment|learning)\b/i, 'people'],
  [/\b(?:cpo|product)\b/i, 'product'],
  [/\b(?:cmo|marketing|growth|brand|branding|demand generation|content|communications)\b/i, 'marketing'],
  [/\b(?:cro|sales|revenue|business development|account|accounts|partnerships|commercial|customer success)\b/i, 'revenue'],
  [
    /\b(?:cto|cio|ciso|cdo|cdao|technology|technical|engineering|engineer|software|developer|devops|infrastructure|platform|security|data|architect|cloud|systems|information|it)\b/i,
    'technology',
  ],
  [/\b(?:coo|operations|operational|ops|plant|production|manufacturing|facility|facilities|quality|maintenance|lean)\b/i, 'operations'],
  [/\b(?:ceo|chief executive|founder|co-?founder|president|owner|managing director|general manager|gm|managing partner)\b/i, 'executive'],
];

// In a hospital the CMO is the Chief Medical Officer, not the marketing chief.
const CMO = /\bcmo\b/i;

export function jobFunctionFromTitle(title: string, industry: Industry | null): JobFunction | null {
  if (industry === 'Healthcare' && CMO.test(title)) return 'clinical';
  for (const [pattern, jobFunction] of FUNCTIONS) if (pattern.test(title)) return jobFunction;
  return null;
}
