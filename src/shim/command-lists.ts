/**
 * What the shim's command lists (pass-through, long runs) share: where the subcommand is, and the per-tool
 * override syntax of TFMFA_PASSTHROUGH / TFMFA_LONG_RUN (`terraform:version,fmt aws:--version`).
 */

/** Leading global options skipped before the subcommand (terraform's `-chdir=DIR`). */
const GLOBAL_OPTION = /^-chdir=/;

/** The index of the subcommand: the first argument after leading `-chdir=DIR` options. */
export function subcommandIndex(args: readonly string[]): number {
  let index = 0;
  while (index < args.length && GLOBAL_OPTION.test(args[index] as string)) index++;
  return index;
}

/** The override's entries for `tool` (`tool:` gives ['']), or undefined when the override does not name it. */
export function overrideFor(tool: string, override: string | undefined): string[] | undefined {
  if (!override) return undefined;
  for (const entry of override.split(/\s+/)) {
    const [name, commands] = entry.split(':');
    if (name === tool) return (commands ?? '').split(',');
  }
  return undefined;
}
