import { readSettings } from '../environment/settings.ts';
import { debug } from '../debug.ts';
import { applyChanges, mergeChanges, type EnvironmentChanges } from '../environment/changes.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { shimTarget } from './resolve-session.ts';

/**
 * The shim's server mode, for long runs (src/shim/long-run.ts): tfmfa stays the parent and serves the profile's
 * renewing credentials to the real binary. A profile tfmfa has no session for runs the binary with the config
 * overlay only, exactly as on the static path.
 */
export async function shimServe(
  tool: string,
  profile: string,
  real: string,
  argv: string[],
  stack: EnvironmentChanges,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const target = await shimTarget(tool, profile, env);
  if (!target.loaded) return replaceProcess(real, argv, applyChanges(env, mergeChanges(target.changes, stack)));
  debug(`profile '${profile}': server mode`);
  const { runWithServer } = await import('../server/run-with-server.ts');
  return runWithServer({
    request: { profile, settings: readSettings(env), shim: true },
    file: real,
    argv,
    env,
    extra: stack,
    loaded: target.loaded,
  });
}
