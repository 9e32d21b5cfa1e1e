/**
 * The one-click unsubscribe endpoint every live email links to (RFC 8058). `GET /unsubscribe?token=` only shows a
 * confirmation page — mail scanners fetch links, and a fetch must not unsubscribe anyone — and its button POSTs
 * back. `POST /unsubscribe?token=` (what mailbox providers send, body `List-Unsubscribe=One-Click`) unsubscribes at
 * once; a POST without that body unsubscribes nobody and shows the confirmation page instead. The signed token is the
 * authority: no bearer token is needed, and the pages show nothing about the person.
 */
import express, { Router, type Response } from 'express';
import type { Logger } from '../../lib/log/logger';
import type { AnyStore } from '../../lib/store/openDb';
import { unsubscribeByToken, unsubscribeSecret, verifyUnsubscribeToken, UnsubscribeConfigError } from '../../lib/inbound/unsubscribe';
import { isOneClickBody } from '../oneClickBody';

function page(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${title}</title><link rel="stylesheet" href="/style.css"></head>` +
        `<body><main class="unsubscribe"><h1>${title}</h1>${body}</main></body></html>`,
    );
}

/** Only fixed text and the token (which must match a strict pattern before it is echoed) ever reach the HTML. */
function tokenOf(q: unknown): string | null {
  return typeof q === 'string' && /^[0-9A-Za-z._-]{1,200}$/.test(q) ? q : null;
}

/** The question and the button; the form posts the RFC 8058 body itself, so a person's click is a one-click POST. */
function confirmPage(res: Response, status: number, token: string): void {
  page(
    res,
    status,
    'Unsubscribe',
    `<p>Stop all further emails to this address?</p>` +
      `<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}">` +
      `<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

/** The body is read raw (form fields only, so a few hundred bytes are plenty) and checked by isOneClickBody. */
const oneClickBody = express.raw({ type: () => true, limit: '4kb' });

export function unsubscribePages(store: AnyStore, log: Logger, rawSecret: string | undefined, changed: () => void): Router {
  const r = Router();

  const secretOr503 = (res: Response): string | null => {
    try {
      return unsubscribeSecret({ LEADFLOW_SECRET: rawSecret });
    } catch (err) {
      if (!(err instanceof UnsubscribeConfigError)) throw err;
      log.error({ reason: err.message }, 'unsubscribe link used but the server has no valid LEADFLOW_SECRET');
      page(res, 503, 'Unsubscribe is not available right now', '<p>The sender has not finished setting up unsubscribe links. Please reply to the email with “unsubscribe” instead.</p>');
      return null;
    }
  };

  r.get('/unsubscribe', (req, res) => {
    const secret = secretOr503(res);
    if (secret === null) return;
    const token = tokenOf(req.query.token);
    if (!token || !verifyUnsubscribeToken(token, secret)) {
      page(res, 400, 'This unsubscribe link is not valid', '<p>It may have been cut short or altered. Please use the link from the email again, or reply with “unsubscribe”.</p>');
      return;
    }
    confirmPage(res, 200, token);
  });

  r.post('/unsubscribe', oneClickBody, async (req, res) => {
    const secret = secretOr503(res);
    if (secret === null) return;
    const token = tokenOf(req.query.token);
    const wantsJson = req.accepts(['html', 'json']) === 'json';
    if (token && verifyUnsubscribeToken(token, secret) && !isOneClickBody(req.get('content-type'), Buffer.isBuffer(req.body) ? req.body : undefined)) {
      log.warn({ contentType: req.get('content-type') ?? null }, 'unsubscribe POST without the one-click body: nobody unsubscribed');
      if (wantsJson) res.status(400).json({ error: 'a one-click unsubscribe POST carries the form body List-Unsubscribe=One-Click (RFC 8058); nobody was unsubscribed' });
      else confirmPage(res, 400, token);
      return;
    }
    const result = token ? await unsubscribeByToken(store, token, secret) : ({ ok: false, reason: 'no token' } as const);
    if (!result.ok) {
      log.warn({ reason: result.reason }, 'unsubscribe refused');
      if (wantsJson) res.status(400).json({ error: result.reason });
      else page(res, 400, 'This unsubscribe link is not valid', '<p>It may have been cut short or altered. Please reply to the email with “unsubscribe” instead.</p>');
      return;
    }
    log.info({ leadId: result.leadId, alreadySuppressed: result.alreadySuppressed }, result.leadId === null ? 'unsubscribed by link (the address had left the store)' : 'unsubscribed by link');
    changed();
    if (wantsJson) {
      res.json({ unsubscribed: true, alreadySuppressed: result.alreadySuppressed, ...(result.leadId === null ? { inStore: false, message: result.message } : {}) });
    } else {
      page(res, 200, 'You are unsubscribed', '<p>No further emails will be sent to this address.</p>');
    }
  });

  return r;
}
