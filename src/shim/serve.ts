import { NoCredentialsError, ProfileNotFoundError, chainNeedsSession } from '../config/resolve.ts';
import { loadChain, type LoadedChain } from '../config/chain.ts';
import { debug } from '../debug.ts';
import { applyChanges, type EnvironmentChanges } from '../environment/changes.ts';
import { replaceProcess } from '../launch/replace-process.ts';

/**
 * The shim's server mode, for long runs (src/shim/long-run.ts): tfmfa stays the parent and serves the profile's
 * renewing credentials to the real binary. A profile tfmfa has nothing to add to runs the binary unchanged,
 * exactly as on the static path.
 */
export async function shimServe(profile: string, real: string, argv: string[], stack: EnvironmentChanges, env: NodeJS.ProcessEnv): Promise<number> {
  let loaded: LoadedChain;
  try {
    loaded = await loadChain(profile, env);
  } catch (error) {
    if (!(error instanceof ProfileNotFoundError || error instanceof NoCredentialsError)) throw error;
    debug(`profile '${profile}': ${error.message}: passing through`);
    return replaceProcess(real, argv, applyChanges(env, stack));
  }
  if (!chainNeedsSession(loaded.chain)) {
    debug(`profile '${profile}' needs neither MFA nor a role: passing through`);
    return replaceProcess(real, argv, applyChanges(env, stack));
  }
  const { runWithServer } = await import('../server/run-with-server.ts');
  return runWithServer({ request: { profile, env }, file: real, argv, env, extra: stack, loaded });
}
