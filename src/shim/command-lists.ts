/**
 * What the shim's command lists (pass-through, long runs) share: where the subcommand is, and the per-tool
 * override syntax of TFMFA_PASSTHROUGH / TFMFA_LONG_RUN (`terraform:version,fmt aws:--version`).
 */

/** Leading global options skipped before the subcommand, for every tool: terraform's `-chdir=DIR`. */
const CHDIR = /^-chdir=/;

/**
 * A tool's global options that may come before its subcommand (`aws --profile X s3 ls`): those that take a
 * value (`--profile X` or `--profile=X`) and those that do not. The one list, also baked into the launcher.
 */
export const GLOBAL_OPTIONS: Readonly<Record<string, { valued: readonly string[]; flags: readonly string[] }>> = {
  aws: {
    valued: [
      '--profile',
      '--region',
      '--output',
      '--endpoint-url',
      '--query',
      '--ca-bundle',
      '--cli-read-timeout',
      '--cli-connect-timeout',
      '--color',
      '--cli-binary-format',
    ],
    flags: [
      '--debug',
      '--no-verify-ssl',
      '--no-paginate',
      '--no-sign-request',
      '--no-cli-pager',
      '--cli-auto-prompt',
      '--no-cli-auto-prompt',
    ],
  },
};

/** The index of the subcommand: the first argument after leading `-chdir=DIR` options and the tool's global options. */
export function subcommandIndex(tool: string, args: readonly string[]): number {
  const options = Object.hasOwn(GLOBAL_OPTIONS, tool) ? GLOBAL_OPTIONS[tool] : undefined;
  let index = 0;
  while (index < args.length) {
    const arg = args[index] as string;
    if (options?.valued.includes(arg)) index += 2;
    else if (
      CHDIR.test(arg) ||
      options?.flags.includes(arg) ||
      options?.valued.some((option) => arg.startsWith(`${option}=`))
    )
      index++;
    else break;
  }
  return index;
}

/** The subcommand ('' when there is none), as the command lists and the debug log name it. */
export function subcommandOf(tool: string, args: readonly string[]): string {
  return args[subcommandIndex(tool, args)] ?? '';
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
