import { setting, variableName } from '../environment/variables.ts';
import { UserError } from '../errors.ts';

/**
 * `TFMFA_SHIM_STACK` records `|tool=path|` for every real binary a shim started in this process tree. A shim
 * about to start the same binary again for the same tool is in a loop (a wrapper calling the tool by name
 * back through the shim): that is an error, not a fork bomb.
 */
export const STACK_VARIABLE = variableName('shimStack');

export function pushStack(env: NodeJS.ProcessEnv, tool: string, realBinary: string): Record<string, string> {
  const entry = `${tool}=${realBinary}`;
  const stack = setting(env, 'shimStack');
  if (`|${stack}|`.includes(`|${entry}|`)) {
    throw new UserError(`loop: the ${tool} shim would start ${realBinary} again, but it is already running under a tfmfa shim (${STACK_VARIABLE}); a wrapper there calls ${tool} by name back through the shim: make it call the real binary by path`, 126);
  }
  return { [STACK_VARIABLE]: stack ? `${stack}|${entry}` : entry };
}
