/**
 * What a delivery error means for the ledger (DESIGN.md):
 *   transient — nothing was delivered, try later: refused/reset/timeout before DATA, 421, 450, 451, 452, 454 (and
 *               any other 4xx);
 *   permanent — the server refused for good: 5xx, with the server's own text;
 *   ambiguous — the connection was lost after the message body was handed over: it may have been delivered, so the
 *               row becomes UNKNOWN and waits for a person.
 */
export type FaultKind = 'transient' | 'permanent' | 'ambiguous';

export class DeliveryError extends Error {
  constructor(
    readonly kind: FaultKind,
    message: string,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

const TRANSIENT_CODES = new Set([421, 450, 451, 452, 454]);

export function classifySmtpFault(err: unknown, bodyHandedOver: boolean): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { responseCode?: number; response?: string; message?: string; code?: string };
  const text = (e.response || e.message || String(err)).trim();
  if (typeof e.responseCode === 'number') {
    if (TRANSIENT_CODES.has(e.responseCode) || (e.responseCode >= 400 && e.responseCode < 500)) {
      return new DeliveryError('transient', text, e.responseCode);
    }
    if (e.responseCode >= 500) return new DeliveryError('permanent', text, e.responseCode);
  }
  // No SMTP reply: the connection failed. Before the body went out nothing was delivered; after, nobody knows.
  if (bodyHandedOver) {
    return new DeliveryError('ambiguous', `connection lost after the message was sent (${e.code ?? 'no code'}: ${text}); it may have been delivered`);
  }
  return new DeliveryError('transient', `${e.code ?? 'connection error'}: ${text}`);
}

/** Exponential backoff with full jitter: attempt 1 waits up to base, attempt 2 up to 2×base, … capped. */
export function backoffMs(attempt: number, baseMs = 60_000, capMs = 60 * 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
