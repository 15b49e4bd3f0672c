import { debug } from '../debug.ts';
import { entryPoint } from '../entry-point.ts';
import { overlayOrWarn } from '../overlay/overlay.ts';
import { currentUser, type LoadedChain } from '../config/chain.ts';
import { profileSession, type ProfileSession, type SessionRequest } from '../session/profile-session.ts';
import { writeTicket } from '../store/ticket-write.ts';
import { mergeChanges, overlayChanges, sessionChanges, type EnvironmentChanges } from '../environment/changes.ts';
import { kindOfStep } from '../config/kinds/index.ts';
import { cappedFloor, requiredSeconds, STATIC_KEYS_FLOOR_SECONDS } from '../session/margin.ts';

export interface SessionEnvironment {
  session: ProfileSession;
  /** What the child's environment gets, before the region rule (which depends on the child's environment). */
  changes: EnvironmentChanges;
  region?: string;
}

/**
 * Resolves the profile's session and the environment changes that carry it to a child (credentials, and the
 * config overlay unless it is off), and records them as the profile's ticket so that the next shim launch
 * can skip all of this.
 */
export async function sessionEnvironment(
  request: SessionRequest & { overlay?: boolean },
  loaded?: LoadedChain,
): Promise<SessionEnvironment> {
  const settings = request.settings;
  // Static keys cannot be renewed once handed over: they leave with at least 15 minutes (capped by the lifetime).
  const session = await profileSession(
    { ...request, minTtlFloor: Math.max(request.minTtlFloor ?? 0, STATIC_KEYS_FLOOR_SECONDS) },
    loaded,
  );
  const overlay = (request.overlay ?? true) && settings.overlay;
  let changes = sessionChanges(session.credentials, request.profile);
  const written = overlay
    ? overlayOrWarn({
        cacheDir: session.cacheDir,
        files: session.files,
        node: process.execPath,
        entryPoint: entryPoint(),
        user: currentUser(settings),
        profile: request.profile,
      })
    : null;
  if (written) {
    debug(
      `overlay rewrites ${written.rewritten.length} profile(s) to credential_process: ${written.rewritten.join(', ')}`,
    );
    changes = mergeChanges(changes, overlayChanges(written));
  }
  const region = session.chain.region;
  const minTtl = settings.minTtl;
  writeTicket(
    session.cacheDir,
    request.profile,
    {
      minTtl,
      overlay: written !== null,
      configPath: session.paths.configPath,
      credentialsPath: session.paths.credentialsPath,
      changes,
      ...(region ? { region } : {}),
    },
    session.credentials.expiration,
    session.loadedAtMs,
    requiredSeconds(
      minTtl,
      cappedFloor(STATIC_KEYS_FLOOR_SECONDS, kindOfStep(session.chain.source).floorCapSeconds),
      session.lifetimeSeconds ?? Infinity,
    ),
  );
  return { session, changes, ...(region ? { region } : {}) };
}
