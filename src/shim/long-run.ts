import type { Settings } from '../environment/settings.ts';
import { overrideFor, subcommandIndex } from './command-lists.ts';

/**
 * Tool invocations that can outlast a role session (one hour under role chaining): for these, the shim and
 * `exec` stay the parent and give the command tfmfa's credential server, which renews the role as it nears
 * expiry, instead of static keys. The one list, also baked into the shell launcher at build time (which hands
 * these over to Node). An entry is matched against the subcommand (the first argument after leading
 * `-chdir=DIR` options); an entry starting with `--` matches that argument anywhere (terragrunt's `--all`).
 *
 * `TFMFA_LONG_RUN` overrides it per tool, as TFMFA_PASSTHROUGH does: `TFMFA_LONG_RUN="terraform:apply packer:"`
 * (an empty list after the colon: never for that tool); `TFMFA_LONG_RUN=0` turns server mode off everywhere.
 */
const TERRAFORM = ['plan', 'apply', 'destroy', 'import', 'refresh', 'console', 'test'];

export const LONG_RUN: Readonly<Record<string, readonly string[]>> = {
  terraform: TERRAFORM,
  tofu: TERRAFORM,
  terragrunt: ['run', 'run-all', ...TERRAFORM, '--all'],
  packer: ['build'],
};

/** TFMFA_LONG_RUN's value that turns server mode off for every tool (the launcher knows it too). */
export const LONG_RUN_OFF = '0';

function listFor(tool: string, override: string | undefined): readonly string[] {
  if (override === LONG_RUN_OFF) return [];
  const overridden = overrideFor(tool, override);
  if (overridden) return overridden.filter(Boolean);
  return Object.hasOwn(LONG_RUN, tool) ? (LONG_RUN[tool] as readonly string[]) : [];
}

/** Why `tool args` is a long run (the entry that matched), or null when it is not. */
export function longRunMatch(tool: string, args: readonly string[], settings: Settings): string | null {
  const list = listFor(tool, settings.longRun);
  const subcommand = args[subcommandIndex(tool, args)];
  for (const entry of list) {
    if (entry.startsWith('--') ? args.includes(entry) : entry === subcommand) return entry;
  }
  return null;
}
