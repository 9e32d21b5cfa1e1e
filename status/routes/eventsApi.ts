/** `GET /api/events`: the Server-Sent Events stream the page listens to (see liveEvents.ts). */
import { Router } from 'express';
import type { LiveEvents } from '../liveEvents';

export function eventsApi(events: LiveEvents): Router {
  const r = Router();
  r.get('/events', (req, res) => events.attach(req, res));
  return r;
}
