/**
 * Who holds a claim or a run: `pid@host`. On the same host a holder is alive while its pid is; a holder on another
 * host is presumed alive (only its own host can tell), so nothing it holds is ever taken from it by mistake.
 */
import { hostname } from 'node:os';

export function ownerId(pid: number = process.pid): string {
  return `${pid}@${hostname()}`;
}

export function isOwnerAlive(owner: string): boolean {
  const m = /^(\d+)@([^#]+)/.exec(owner);
  if (!m) return true;
  const pid = Number(m[1]);
  if (m[2] !== hostname()) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
