import { debug } from '../debug.ts';
import { applyChanges, type EnvironmentChanges } from '../environment/changes.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { shimChain } from './resolve-session.ts';

/**
 * The shim's server mode, for long runs (src/shim/long-run.ts): tfmfa stays the parent and serves the profile's
 * renewing credentials to the real binary. A profile tfmfa has nothing to add to runs the binary unchanged,
 * exactly as on the static path.
 */
export async function shimServe(profile: string, real: string, argv: string[], stack: EnvironmentChanges, env: NodeJS.ProcessEnv): Promise<number> {
  const loaded = await shimChain(profile, env);
  if (!loaded) return replaceProcess(real, argv, applyChanges(env, stack));
  debug(`profile '${profile}': server mode`);
  const { runWithServer } = await import('../server/run-with-server.ts');
  return runWithServer({ request: { profile, env, shim: true }, file: real, argv, env, extra: stack, loaded });
}
