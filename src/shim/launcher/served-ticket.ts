import type { Settings } from '../../environment/settings.ts';
import type { ProfileSession } from '../../session/profile-session.ts';
import { readTicket } from '../../store/ticket-read.ts';

/**
 * After Node's credential-process: a good ticket for the profile renews the launcher's trust in it
 * (ticket-trust.ts), so that the next credential_process calls through tfmfa-launcher are served without Node
 * even when no shim runs in between. Best effort: a missing or stale ticket changes nothing.
 */
export function renewServedTicket(
  profile: string,
  session: Pick<ProfileSession, 'cacheDir' | 'paths'>,
  settings: Settings,
): void {
  readTicket(session.cacheDir, profile, {
    minTtl: settings.minTtl,
    overlay: settings.overlay,
    configPath: session.paths.configPath,
    credentialsPath: session.paths.credentialsPath,
  });
}
