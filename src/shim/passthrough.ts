import { setting } from '../environment/variables.ts';

/**
 * Tool invocations that need no AWS credentials: a shim runs them straight through, without a prompt.
 * The one list, also baked into the shell launcher at build time. `TFMFA_PASSTHROUGH` overrides it per tool:
 * `TFMFA_PASSTHROUGH="terraform:version,fmt aws:--version"`.
 */
export const PASSTHROUGH: Readonly<Record<string, readonly string[]>> = {
  terraform: ['', 'version', '-version', '--version', '-v', 'fmt', 'validate', 'help', '-help', '--help', '-h'],
  tofu: ['', 'version', '-version', '--version', '-v', 'fmt', 'validate', 'help', '-help', '--help', '-h'],
  terragrunt: ['', '--version', '-version', 'version', '--help', '-help', 'help', '-h', 'hclfmt'],
  aws: ['', '--version', 'help', 'configure'],
};

/** Leading global options skipped before the subcommand (terraform's `-chdir=DIR`). */
const GLOBAL_OPTION = /^-chdir=/;

function listFor(tool: string, override: string | undefined): readonly string[] {
  if (override) {
    for (const entry of override.split(/\s+/)) {
      const [name, commands] = entry.split(':');
      if (name === tool) return (commands ?? '').split(',');
    }
  }
  return Object.hasOwn(PASSTHROUGH, tool) ? (PASSTHROUGH[tool] as readonly string[]) : [];
}

export function isPassthrough(tool: string, args: readonly string[], env: NodeJS.ProcessEnv): boolean {
  let index = 0;
  while (index < args.length && GLOBAL_OPTION.test(args[index] as string)) index++;
  return listFor(tool, setting(env, 'passthrough')).includes(args[index] ?? '');
}
