import { awsFilePaths } from '../config/paths.ts';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import { applyChanges, hasSessionFor, mergeChanges, regionChanges, type EnvironmentChanges } from '../launch/environment.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { cacheDirectory, minimumTtlSeconds } from '../settings.ts';
import { overlayEnabled } from '../overlay/enabled.ts';
import { readTicket } from '../ticket/store.ts';
import { pushStack } from './loop-guard.ts';
import { isPassthrough } from './passthrough.ts';
import { shimProfile } from './profile.ts';
import { findRealBinary } from './real-binary.ts';

const TOOL_NAME = /^[A-Za-z0-9._+-]+$/;

/**
 * Shim mode: run the real `tool` found later on PATH with the AWS_PROFILE session in its environment.
 * Fast paths first, each without config parsing or the AWS SDK: a session already in the environment
 * (the marker), a command that needs no credentials, a valid ticket. Only then the full resolution.
 */
export async function runShim(tool: string, args: string[], entryPoint = process.argv[1] ?? ''): Promise<number> {
  if (!TOOL_NAME.test(tool) || tool === '.' || tool === '..') {
    throw new UserError(`'${tool}' is not a tool name a shim can stand for: name the symlink after the tool (terraform, aws, ...)`, 2);
  }
  const env = process.env;
  const real = findRealBinary(tool, env, entryPoint);
  const stack: EnvironmentChanges = { set: pushStack(env, tool, real), unset: [] };
  const argv = [tool, ...args];
  debug(`shim ${tool}: real binary ${real}`);

  if (hasSessionFor(env)) {
    debug(`session for '${env.TFMFA_PROFILE || env.AWS_VAULT}' already in the environment: passing through`);
    return replaceProcess(real, argv, applyChanges(env, stack));
  }
  if (isPassthrough(tool, args, env)) {
    debug(`'${tool} ${args[0] ?? ''}' needs no credentials: passing through`);
    return replaceProcess(real, argv, applyChanges(env, stack));
  }
  const profile = shimProfile(env);
  const cacheDir = cacheDirectory(env);
  const paths = awsFilePaths(env);
  const ticket = readTicket(cacheDir, profile, { minTtl: minimumTtlSeconds(env), overlay: overlayEnabled(env), ...paths });
  if (ticket) {
    debug(`profile '${profile}': ticket hit`);
    const changes = mergeChanges(mergeChanges(ticket.changes, regionChanges(env, ticket.region)), stack);
    return replaceProcess(real, argv, applyChanges(env, changes));
  }
  debug(`profile '${profile}': no valid ticket, resolving`);
  const { shimSessionChanges } = await import('./resolve-session.ts');
  const changes = await shimSessionChanges(profile, env);
  return replaceProcess(real, argv, applyChanges(env, changes ? mergeChanges(changes, stack) : stack));
}
