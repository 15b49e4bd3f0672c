import { AWS_FILE_ORDER, awsFileShellExpansion } from './aws-files.ts';
import { AWS_VAULT_MARKER, FOREIGN_SECRET_VARIABLES, MARKER_VARIABLE } from './changes.ts';
import { PROFILE_ORDER } from './profile.ts';
import { CACHE_FALLBACK, SECRET_VARIABLE_NAMES, VARIABLES, type VariableKey } from './variables.ts';

/**
 * The contract's rules as POSIX sh expansions, for the shell launcher (filled in at build time), so that the
 * launcher and Node cannot drift apart: the profile order, the cache directory, the marker, and the names of
 * tfmfa's variables. Each expansion reads the environment only; none runs a command.
 */
/** `${XDG_CACHE_HOME:+$XDG_CACHE_HOME/tfmfa}` */
const xdgCacheDir = `\${${CACHE_FALLBACK.base}:+$${CACHE_FALLBACK.base}/${CACHE_FALLBACK.name}}`;

export const SHELL_FRAGMENTS = {
  /** `${AWS_PROFILE:-${AWS_DEFAULT_PROFILE:-${TFMFA_DEFAULT_PROFILE:-default}}}` */
  PROFILE_ORDER: PROFILE_ORDER.reduceRight((inner, name) => `\${${name}:-${inner}}`, 'default'),
  /** `${TFMFA_CACHE_DIR:-${XDG_CACHE_HOME:+$XDG_CACHE_HOME/tfmfa}}`: empty when only the HOME fallback is left. */
  CACHE_DIR: `\${${VARIABLES.cacheDir.name}:-${xdgCacheDir}}`,
  CACHE_DIR_HOME: `$HOME/${CACHE_FALLBACK.inHome}/${CACHE_FALLBACK.name}`,
  /** Non-empty when ours or aws-vault's marker is set (markerProfile in changes.ts). */
  MARKER: `\${${MARKER_VARIABLE}:-\${${AWS_VAULT_MARKER}-}}`,
  /**
   * The AWS files (aws-files.ts): the launcher's `--config-file` / `--credentials-file` value, then the variables;
   * empty when only ~/.aws is left.
   */
  CONFIG_FILE: awsFileShellExpansion('config', '_tf_ocfg'),
  CREDENTIALS_FILE: awsFileShellExpansion('credentials', '_tf_ocred'),
  /** tfmfa's secrets and other tools', unset before the launcher execs the real tool (applyChanges in changes.ts). */
  SECRET_VARIABLES: [...SECRET_VARIABLE_NAMES, ...FOREIGN_SECRET_VARIABLES].join(' '),
  CONFIG_FILE_HOME: `$HOME/${AWS_FILE_ORDER.config.inHome.join('/')}`,
  CREDENTIALS_FILE_HOME: `$HOME/${AWS_FILE_ORDER.credentials.inHome.join('/')}`,
} as const;

/** `@VAR_<key>@` in the launcher: the variable's name from the contract table. */
export function variableNameFor(key: string): string | undefined {
  return Object.hasOwn(VARIABLES, key) ? VARIABLES[key as VariableKey].name : undefined;
}
