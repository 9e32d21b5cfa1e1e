/** The size limits of a step-1 message: words per channel (greeting, signature and opt-out line included) and subject length. */
import type { Channel } from '../types';

export const WORD_BUDGET: Readonly<Record<Channel, number>> = Object.freeze({ email: 120, linkedin: 60 });

/** Longer subjects get cut off in most inboxes, and mobile shows even less. */
export const SUBJECT_LIMIT = 80;
