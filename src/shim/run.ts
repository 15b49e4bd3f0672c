import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import {
  applyChanges,
  childChanges,
  hasSessionFor,
  markerProfile,
  type EnvironmentChanges,
} from '../environment/changes.ts';
import { selectedProfile } from '../environment/profile.ts';
import type { Settings } from '../environment/settings.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { pushStack } from './loop-guard.ts';
import { longRunMatch } from './long-run.ts';
import { subcommandOf } from './command-lists.ts';
import { isPassthrough } from './passthrough.ts';
import { findRealBinary } from './real-binary.ts';
import { isToolName } from './tools.ts';

/**
 * Shim mode: run the real `tool` found later on PATH with the AWS_PROFILE session in its environment, or,
 * when that profile gives tfmfa no session to add, with the config overlay only (src/shim/overlay-only.ts).
 * Fast paths first, each without config parsing or the AWS SDK: a session already in the environment
 * (the marker), a command that needs no credentials, a valid ticket. Only then the full resolution.
 *
 * Startup time is the product here: this module imports only what the marker and pass-through paths need;
 * the ticket path (./ticket-lookup.ts) and the full resolution (./resolve-session.ts) load on demand.
 * `settings` are read once at the entry point (cli.ts); the profile is selected once, here, and passed on.
 */
export async function runShim(
  tool: string,
  args: string[],
  settings: Settings,
  entryPoint = process.argv[1] ?? '',
): Promise<number> {
  if (!isToolName(tool)) {
    throw new UserError(
      `'${tool}' is not a tool name a shim can stand for: name the symlink after the tool (terraform, aws, ...)`,
      2,
    );
  }
  const real = findRealBinary(tool, settings, entryPoint);
  const stack: EnvironmentChanges = { set: pushStack(settings, tool, real), unset: [] };
  const argv = [tool, ...args];
  debug(`shim ${tool}: real binary ${real}`);

  if (hasSessionFor(settings)) {
    debug(`session for '${markerProfile(settings)}' already in the environment: passing through`);
    return replaceProcess(real, argv, applyChanges(settings.environment, stack));
  }
  const subcommand = subcommandOf(tool, args);
  if (isPassthrough(tool, args, settings)) {
    debug(`'${tool} ${subcommand}' needs no credentials: passing through`);
    return replaceProcess(real, argv, applyChanges(settings.environment, stack));
  }
  const longRun = longRunMatch(tool, args, settings);
  const selected = selectedProfile(settings);
  const profile = selected.profile;
  if (longRun !== null) {
    debug(
      `'${tool} ${longRun}' is a long run (src/shim/long-run.ts, TFMFA_LONG_RUN): server mode for profile '${profile}'`,
    );
    const { shimServe } = await import('./serve.ts');
    return shimServe(tool, selected, real, argv, stack, settings);
  }
  debug(`'${tool} ${subcommand}' is not a long run: static keys`);
  const { lookUpTicket } = await import('./ticket-lookup.ts');
  const ticket = lookUpTicket(profile, settings);
  if (ticket) {
    debug(
      `profile '${profile}': ticket hit${ticket.changes.set.AWS_ACCESS_KEY_ID ? '' : ' (the config overlay only)'}`,
    );
    return replaceProcess(
      real,
      argv,
      applyChanges(settings.environment, childChanges(settings, ticket.changes, ticket.region, stack)),
    );
  }
  debug(`profile '${profile}': no valid ticket, resolving`);
  const { shimSessionChanges } = await import('./resolve-session.ts');
  const session = await shimSessionChanges(tool, selected, settings);
  return replaceProcess(
    real,
    argv,
    applyChanges(settings.environment, childChanges(settings, session.changes, session.region, stack)),
  );
}
