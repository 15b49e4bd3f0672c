import { readSettings, type Settings } from './settings.ts';
import { VARIABLES } from './variables.ts';

/**
 * Which AWS config and credentials file tfmfa reads: one rule for Node and for the shell launcher (whose
 * expansion SHELL_FRAGMENTS generates from AWS_FILE_ORDER). First the file named on the command line
 * (`credential-process --config-file` / `--credentials-file`, as the overlay and users write them), then tfmfa's
 * real-file variable (set in every tfmfa session, where AWS_CONFIG_FILE names the overlay), then the SDK's
 * variable, then the file in ~/.aws. An empty value counts as unset at every step. The command line comes
 * first because a `credential_process` line that names a file means that file, whatever session it runs in.
 */
import { join } from 'node:path';

export const AWS_FILE_ORDER = {
  config: {
    flag: 'config-file',
    real: 'realConfigFile',
    sdk: 'AWS_CONFIG_FILE',
    field: 'awsConfigFile',
    inHome: ['.aws', 'config'],
  },
  credentials: {
    flag: 'credentials-file',
    real: 'realCredentialsFile',
    sdk: 'AWS_SHARED_CREDENTIALS_FILE',
    field: 'awsSharedCredentialsFile',
    inHome: ['.aws', 'credentials'],
  },
} as const;

export type AwsFileKind = keyof typeof AWS_FILE_ORDER;

/** Files named on the command line, by flag (`config-file`, `credentials-file`). */
export type GivenFiles = Partial<Record<(typeof AWS_FILE_ORDER)[AwsFileKind]['flag'], string>>;

/** The file of `kind` under the rule, for these settings (after `withGivenFiles` when flags were given). */
export function awsFile(kind: AwsFileKind, settings: Settings): string {
  const order = AWS_FILE_ORDER[kind];
  return settings[order.real] || settings[order.field] || join(settings.home, ...order.inHome);
}

/**
 * The settings with the files given on the command line put first: each given file becomes both the
 * real-file variable and the SDK's variable (in the environment too), so tfmfa and every SDK it calls read it.
 */
export function withGivenFiles(settings: Settings, given: GivenFiles): Settings {
  const result = { ...settings.environment };
  for (const order of Object.values(AWS_FILE_ORDER)) {
    const file = given[order.flag];
    if (file) {
      result[VARIABLES[order.real].name] = file;
      result[order.sdk] = file;
    }
  }
  return readSettings(result);
}

/** The rule as a POSIX sh expansion of the launcher's variable holding the flag's value (empty when not given). */
export function awsFileShellExpansion(kind: AwsFileKind, flagVariable: string): string {
  const order = AWS_FILE_ORDER[kind];
  return `\${${flagVariable}:-\${${VARIABLES[order.real].name}:-\${${order.sdk}-}}}`;
}
