import { loadChain, type LoadedChain } from '../config/chain.ts';
import { NoCredentialsError, ProfileNotFoundError, chainNeedsSession } from '../config/resolve.ts';
import { debug } from '../debug.ts';
import { sessionEnvironment, type SessionEnvironment } from '../launch/session-environment.ts';

/**
 * The profile's chain when tfmfa has something to add to a shim's run, or null when it has not (the profile
 * does not exist, has no credentials, or needs neither MFA nor a role): a shim never breaks a tool that
 * already works. The one rule for both shim paths: static keys (below) and server mode (serve.ts).
 */
export async function shimChain(profile: string, env: NodeJS.ProcessEnv): Promise<LoadedChain | null> {
  try {
    const loaded = await loadChain(profile, env);
    if (chainNeedsSession(loaded.chain)) return loaded;
    debug(`profile '${profile}' needs neither MFA nor a role: passing through`);
  } catch (error) {
    if (!(error instanceof ProfileNotFoundError || error instanceof NoCredentialsError)) throw error;
    debug(`profile '${profile}': ${error.message}: passing through`);
  }
  return null;
}

/** The shim's slow path: the environment changes for the profile (writing its ticket), or null (see shimChain). */
export async function shimSessionChanges(profile: string, env: NodeJS.ProcessEnv): Promise<SessionEnvironment | null> {
  const loaded = await shimChain(profile, env);
  if (!loaded) return null;
  const prepared = await sessionEnvironment({ profile, env, shim: true }, loaded);
  debug(`profile '${profile}': ${prepared.session.fromCache ? 'cached session' : 'new session'}, ticket written`);
  return prepared;
}
