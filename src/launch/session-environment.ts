import { minimumTtlSeconds } from '../settings.ts';
import { profileSession, type ProfileSession, type SessionRequest } from '../session/profile-session.ts';
import { writeTicket } from '../ticket/store.ts';
import { sessionChanges, type EnvironmentChanges } from './environment.ts';

export interface SessionEnvironment {
  session: ProfileSession;
  /** What the child's environment gets, before the region rule (which depends on the child's environment). */
  changes: EnvironmentChanges;
  region?: string;
}

/**
 * Resolves the profile's session and the environment changes that carry it to a child, and records them as
 * the profile's ticket so the next shim launch can skip all of this.
 */
export async function sessionEnvironment(request: SessionRequest): Promise<SessionEnvironment> {
  const env = request.env ?? process.env;
  const session = await profileSession(request);
  const changes = sessionChanges(session.credentials, request.profile);
  const region = session.chain.region;
  writeTicket(
    session.cacheDir,
    request.profile,
    { minTtl: minimumTtlSeconds(env), configPath: session.paths.configPath, credentialsPath: session.paths.credentialsPath, changes, ...(region ? { region } : {}) },
    session.credentials.expiration,
  );
  return { session, changes, ...(region ? { region } : {}) };
}
