/**
 * Whether live email can go out from this server: lib's one reading of the environment (`sendingConfigFromEnv`: SMTP
 * settings, the unsubscribe URL and secret, the postal address, the limits). Never reports secrets.
 */
import { sendingConfigFromEnv, SendingConfigError, type SendingConfig } from '../lib/sending/config';

export type LiveReadiness =
  | { ready: true; config: Extract<SendingConfig, { live: true }>; summary: string }
  | { ready: false; reason: string };

export function liveReadiness(env: NodeJS.ProcessEnv): LiveReadiness {
  try {
    const config = sendingConfigFromEnv(env, { live: true });
    if (!config.live) throw new Error('unreachable: a live config was asked for');
    return { ready: true, config, summary: config.summary };
  } catch (err) {
    if (err instanceof SendingConfigError) return { ready: false, reason: err.message };
    throw err;
  }
}
