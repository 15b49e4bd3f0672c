import type { SelectedProfile } from '../environment/profile.ts';
import type { Settings } from '../environment/settings.ts';
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
  selected: SelectedProfile,
  real: string,
  argv: string[],
  stack: EnvironmentChanges,
  settings: Settings,
): Promise<number> {
  const profile = selected.profile;
  const target = await shimTarget(tool, selected, settings);
  if (!target.loaded)
    return replaceProcess(real, argv, applyChanges(settings.environment, mergeChanges(target.changes, stack)));
  debug(`profile '${profile}': server mode`);
  const { runWithServer } = await import('../server/run-with-server.ts');
  return runWithServer({
    request: { profile, settings, shim: true },
    file: real,
    argv,
    settings,
    extra: stack,
    loaded: target.loaded,
  });
}
