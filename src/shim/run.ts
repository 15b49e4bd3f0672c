import { readSettings } from '../environment/settings.ts';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import {
  applyChanges,
  childChanges,
  hasSessionFor,
  markerProfile,
  type EnvironmentChanges,
} from '../environment/changes.ts';
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
 */
export async function runShim(tool: string, args: string[], entryPoint = process.argv[1] ?? ''): Promise<number> {
  if (!isToolName(tool)) {
    throw new UserError(
      `'${tool}' is not a tool name a shim can stand for: name the symlink after the tool (terraform, aws, ...)`,
      2,
    );
  }
  const env = process.env;
  const real = findRealBinary(tool, env, entryPoint);
  const stack: EnvironmentChanges = { set: pushStack(env, tool, real), unset: [] };
  const argv = [tool, ...args];
  debug(`shim ${tool}: real binary ${real}`);

  if (hasSessionFor(readSettings(env))) {
    debug(`session for '${markerProfile(readSettings(env))}' already in the environment: passing through`);
    return replaceProcess(real, argv, applyChanges(env, stack));
  }
  const subcommand = subcommandOf(tool, args);
  if (isPassthrough(tool, args, env)) {
    debug(`'${tool} ${subcommand}' needs no credentials: passing through`);
    return replaceProcess(real, argv, applyChanges(env, stack));
  }
  const longRun = longRunMatch(tool, args, env);
  if (longRun !== null) {
    const { selectedProfile } = await import('../environment/profile.ts');
    const { profile } = selectedProfile(readSettings(env));
    debug(
      `'${tool} ${longRun}' is a long run (src/shim/long-run.ts, TFMFA_LONG_RUN): server mode for profile '${profile}'`,
    );
    const { shimServe } = await import('./serve.ts');
    return shimServe(tool, profile, real, argv, stack, env);
  }
  debug(`'${tool} ${subcommand}' is not a long run: static keys`);
  const { lookUpTicket } = await import('./ticket-lookup.ts');
  const { profile, ticket } = lookUpTicket(env);
  if (ticket) {
    debug(
      `profile '${profile}': ticket hit${ticket.changes.set.AWS_ACCESS_KEY_ID ? '' : ' (the config overlay only)'}`,
    );
    return replaceProcess(
      real,
      argv,
      applyChanges(env, childChanges(readSettings(env), ticket.changes, ticket.region, stack)),
    );
  }
  debug(`profile '${profile}': no valid ticket, resolving`);
  const { shimSessionChanges } = await import('./resolve-session.ts');
  const session = await shimSessionChanges(tool, profile, env);
  return replaceProcess(
    real,
    argv,
    applyChanges(env, childChanges(readSettings(env), session.changes, session.region, stack)),
  );
}
