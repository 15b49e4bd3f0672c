import type { Settings } from '../environment/settings.ts';
import { variableName } from '../environment/variables.ts';
import { UserError } from '../errors.ts';

/**
 * `TFMFA_SHIM_STACK` records `tool=path@pid` for every real binary a shim started in this process tree, `|`
 * between entries: the tool, the binary started for it, and the process that became that binary (a shim
 * replaces itself with the binary, so it is the shim's own pid).
 *
 * The same tool started again under itself is normal (terraform's local-exec running `terraform output`, an
 * aws credential_process script calling `aws`, terragrunt hooks, make → terraform → terraform). A loop is
 * a binary that went straight back into the shim without running anything: a wrapper later on PATH named
 * `terraform` whose `exec terraform "$@"` finds the shim first. The rule, the same in the shell launcher:
 *
 * 1. No progress: the stack holds `tool=path@pid` with this tool, the binary about to start and THIS
 *    process's pid. The process the shim turned into `path` has come back to the shim as the same process,
 *    so `path` replaced itself with the shim before running anything else; starting it again would repeat
 *    that forever.
 * 2. Depth, the backstop for wrappers that run the tool as a child instead of exec'ing it (their pid is new
 *    each time, so rule 1 cannot see them): a stack already MAX_SHIM_DEPTH entries deep is refused. A chain
 *    of shim-started binaries is therefore at most MAX_SHIM_DEPTH long, and each shim starts one process.
 */
export const STACK_VARIABLE = variableName('shimStack');

/** The deepest nesting of shim-started real binaries in one process tree (5 legitimate levels fit twice). */
export const MAX_SHIM_DEPTH = 10;

export interface StackEntry {
  tool: string;
  binary: string;
  /** null for an entry without a pid (written by an older tfmfa). */
  pid: number | null;
}

export function stackEntry(tool: string, binary: string, pid: number): string {
  return `${tool}=${binary}@${pid}`;
}

/** The entries of a stack value, outermost first ('' is an empty stack). */
export function parseStack(stack: string): StackEntry[] {
  if (stack === '') return [];
  return stack.split('|').map((entry) => {
    const equals = entry.indexOf('=');
    const tool = equals < 0 ? entry : entry.slice(0, equals);
    const rest = equals < 0 ? '' : entry.slice(equals + 1);
    const at = rest.lastIndexOf('@');
    const pid = at >= 0 && /^[0-9]+$/.test(rest.slice(at + 1)) ? Number(rest.slice(at + 1)) : null;
    return { tool, binary: pid === null ? rest : rest.slice(0, at), pid };
  });
}

/** The stack with this start pushed, or a UserError (exit 126) when the start is a loop. */
export function pushStack(
  settings: Settings,
  tool: string,
  realBinary: string,
  pid = process.pid,
): Record<string, string> {
  const stack = settings.shimStack;
  const entries = parseStack(stack);
  const fix = `make it call the real ${tool} by its full path`;
  if (entries.some((entry) => entry.tool === tool && entry.binary === realBinary && entry.pid === pid)) {
    throw new UserError(
      `loop: the ${tool} shim would start ${realBinary} again, and ${realBinary} came straight back to the ` +
        `shim without running anything (it runs '${tool}' by name, which finds the shim first on PATH): ${fix}`,
      126,
    );
  }
  if (entries.length >= MAX_SHIM_DEPTH) {
    throw new UserError(
      `loop: the ${tool} shim would start ${realBinary} again, but ${entries.length} real binaries already run ` +
        `nested under tfmfa shims (${STACK_VARIABLE}, at most ${MAX_SHIM_DEPTH}): a wrapper probably runs ` +
        `'${tool}' by name back through the shim: ${fix}`,
      126,
    );
  }
  const entry = stackEntry(tool, realBinary, pid);
  return { [STACK_VARIABLE]: stack ? `${stack}|${entry}` : entry };
}
