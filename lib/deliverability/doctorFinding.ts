/** One thing the sender doctor found: what it checked, how much it matters, what it saw, and what to do about it. */
export type Severity = 'ok' | 'info' | 'warning' | 'error';
export type DoctorCheck = 'spf' | 'dkim' | 'dmarc' | 'mx' | 'bulk-sender';

export interface Finding {
  check: DoctorCheck;
  /** error: mail will be rejected or junked by Gmail/Yahoo bulk-sender rules; warning: fix soon; info: advice. */
  severity: Severity;
  message: string;
  /** What to change, in plain words (absent when there is nothing to do). */
  fix?: string;
  /** True when DNS could not answer, so the check proves nothing either way. */
  unchecked?: boolean;
}
