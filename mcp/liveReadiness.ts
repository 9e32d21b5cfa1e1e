/**
 * Whether live email can go out from this server: lib's reading of the environment (SMTP settings, the unsubscribe
 * URL and secret, the postal address, the limits). Never reports secrets.
 */
export { liveConfigFromEnv as liveReadiness, type LiveConfig as LiveReadiness } from '../lib/outreach/liveConfig';
