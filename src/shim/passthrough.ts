import type { Settings } from '../environment/settings.ts';
import { overrideFor, subcommandIndex } from './command-lists.ts';

/**
 * Tool invocations that need no AWS credentials: a shim runs them straight through, without a prompt.
 * The one list, also baked into the shell launcher at build time. `TFMFA_PASSTHROUGH` overrides it per tool:
 * `TFMFA_PASSTHROUGH="terraform:version,fmt aws:--version"`.
 */
const TERRAFORM = ['', 'version', '-version', '--version', '-v', 'fmt', 'validate', 'help', '-help', '--help', '-h'];

export const PASSTHROUGH: Readonly<Record<string, readonly string[]>> = {
  terraform: TERRAFORM,
  tofu: TERRAFORM,
  terragrunt: ['', '--version', '-version', 'version', '--help', '-help', 'help', '-h', 'hclfmt'],
  // `aws login`/`logout` write the user's config and login cache: never through the overlay.
  aws: ['', '--version', 'help', 'configure', 'login', 'logout'],
};

export function isPassthrough(tool: string, args: readonly string[], settings: Settings): boolean {
  const list =
    overrideFor(tool, settings.passthrough) ??
    (Object.hasOwn(PASSTHROUGH, tool) ? (PASSTHROUGH[tool] as readonly string[]) : []);
  return list.includes(args[subcommandIndex(tool, args)] ?? '');
}
