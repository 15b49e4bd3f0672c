import { NoCredentialsError, ProfileNotFoundError, chainNeedsSession } from '../config/resolve.ts';
import { debug } from '../debug.ts';
import { sessionEnvironment, type SessionEnvironment } from '../launch/session-environment.ts';
import { loadChain, type LoadedChain } from '../config/chain.ts';

/**
 * The shim's slow path: the environment changes for the profile, or null when tfmfa has nothing to add
 * (the profile does not exist, has no credentials, or needs neither MFA nor a role): a shim never breaks a
 * tool that already works.
 */
export async function shimSessionChanges(profile: string, env: NodeJS.ProcessEnv): Promise<SessionEnvironment | null> {
  let loaded: LoadedChain;
  try {
    loaded = await loadChain(profile, env);
    if (!chainNeedsSession(loaded.chain)) {
      debug(`profile '${profile}' needs neither MFA nor a role: passing through`);
      return null;
    }
  } catch (error) {
    if (error instanceof ProfileNotFoundError || error instanceof NoCredentialsError) {
      debug(`profile '${profile}': ${error.message}: passing through`);
      return null;
    }
    throw error;
  }
  const prepared = await sessionEnvironment({ profile, env, caller: 'shim' }, loaded);
  debug(`profile '${profile}': ${prepared.session.fromCache ? 'cached session' : 'new session'}, ticket written`);
  return prepared;
}
