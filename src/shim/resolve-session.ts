import { chainIn, loadUserFiles, type LoadedChain } from '../config/chain.ts';
import { NoCredentialsError, ProfileNotFoundError, chainNeedsSession } from '../config/resolve.ts';
import { missingProfileHint } from '../config/suggest.ts';
import { debug, warn } from '../debug.ts';
import type { EnvironmentChanges } from '../environment/changes.ts';
import type { SelectedProfile } from '../environment/profile.ts';
import type { Settings } from '../environment/settings.ts';
import { sessionEnvironment, type SessionEnvironment } from '../launch/session-environment.ts';
import { overlayOnlyChanges } from './overlay-only.ts';

/**
 * What a shim's run gets for its profile: the profile's chain when tfmfa has a session to add, or else the
 * changes of a run without one (the config overlay, src/shim/overlay-only.ts): the profile does not exist,
 * has no credentials, or needs neither MFA nor a role. A shim never breaks a tool that already works, and
 * never leaves a profile named in code or on the command line without tfmfa's credential_process.
 * The one rule for both shim paths: static keys (below) and server mode (serve.ts).
 */
export type ShimTarget = { loaded: LoadedChain } | { loaded: null; changes: EnvironmentChanges };

export async function shimTarget(tool: string, selected: SelectedProfile, settings: Settings): Promise<ShimTarget> {
  const { profile, origin } = selected;
  const loadedAtMs = Date.now();
  const files = await loadUserFiles(settings);
  let ticket = true;
  try {
    const loaded = chainIn(files, profile, settings, loadedAtMs);
    if (chainNeedsSession(loaded.chain)) return { loaded };
    debug(`profile '${profile}' needs neither MFA nor a role`);
  } catch (error) {
    if (!(error instanceof ProfileNotFoundError || error instanceof NoCredentialsError)) throw error;
    debug(`profile '${profile}': ${error.message}`);
    if (error instanceof ProfileNotFoundError && origin !== 'default') {
      // Never silent: a profile the user selected that does not exist. No ticket, so that every run says so.
      warn(
        `profile '${profile}' (${origin}) not found: ${missingProfileHint(files, profile)} (running ${tool} anyway)`,
      );
      ticket = false;
    }
  }
  return { loaded: null, changes: overlayOnlyChanges(profile, files, loadedAtMs, settings, ticket) };
}

/**
 * The shim's slow path: the environment changes for the profile (writing its ticket), or the overlay only (see
 * shimTarget).
 */
export async function shimSessionChanges(
  tool: string,
  selected: SelectedProfile,
  settings: Settings,
): Promise<SessionEnvironment | { changes: EnvironmentChanges; region?: undefined }> {
  const profile = selected.profile;
  const target = await shimTarget(tool, selected, settings);
  if (!target.loaded) return { changes: target.changes };
  const prepared = await sessionEnvironment({ profile, settings, shim: true }, target.loaded);
  debug(`profile '${profile}': ${prepared.session.fromCache ? 'cached session' : 'new session'}, ticket written`);
  return prepared;
}
