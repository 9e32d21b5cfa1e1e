/**
 * LinkedIn is simulated: there is no sanctioned API for cold DMs. The simulation is deterministic — the same
 * profile and text always give the same answer — so tests and dry runs never depend on chance.
 */
import { hash } from 'node:crypto';

export function simulateLinkedInDm(profileUrl: string, text: string): { response: string; id: string } {
  const id = hash('sha256', profileUrl + '\n' + text, 'hex').slice(0, 16);
  return { id, response: `linkedin (simulated): DM ${id} queued for ${profileUrl}` };
}
