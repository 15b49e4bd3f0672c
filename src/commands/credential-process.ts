import { variableName } from '../environment/variables.ts';
import { credentialProcessJson } from '../output/credential-json.ts';
import { SERVER_FLOOR_SECONDS } from '../session/margin.ts';
import { profileSession } from '../session/profile-session.ts';
import { renewServedTicket } from '../shim/launcher/served-ticket.ts';
import { parseCommandArgs, requireProfile, sessionRequest, HELP_OPTION_HELP, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from './args.ts';

export const summary = 'print credentials as JSON for credential_process = in ~/.aws/config';

export const help = `Usage: tfmfa credential-process [options] PROFILE

Prints {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…} on stdout and
nothing else; errors go to stderr with a non-zero exit. Prompts for the MFA code on the terminal (/dev/tty),
since SDKs capture stdout (and botocore stderr). Same cache and lock as exec: a warm session costs nothing.

In ~/.aws/config, with absolute paths (not every SDK runs credential_process through a login shell):
  [profile prod-tf]
  credential_process = /usr/local/bin/tfmfa credential-process prod

Options:
${SESSION_OPTIONS_HELP}
  --config-file PATH       read profiles from PATH instead of AWS_CONFIG_FILE / ~/.aws/config
  --credentials-file PATH  read keys from PATH instead of AWS_SHARED_CREDENTIALS_FILE / ~/.aws/credentials
${HELP_OPTION_HELP}`;

const OPTIONS = {
  ...SESSION_OPTIONS,
  'config-file': { type: 'string' },
  'credentials-file': { type: 'string' },
} as const;

/**
 * The environment with the AWS file paths given on the command line (the overlay passes the user's real files):
 * they win over AWS_*_FILE and over the real-file variables a session inherits (TFMFA_CONFIG_FILE...).
 */
export function withFileOptions(env: NodeJS.ProcessEnv, values: { 'config-file'?: string; 'credentials-file'?: string }): NodeJS.ProcessEnv {
  return {
    ...env,
    ...(values['config-file'] ? { AWS_CONFIG_FILE: values['config-file'], [variableName('realConfigFile')]: values['config-file'] } : {}),
    ...(values['credentials-file'] ? { AWS_SHARED_CREDENTIALS_FILE: values['credentials-file'], [variableName('realCredentialsFile')]: values['credentials-file'] } : {}),
  };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandArgs('credential-process', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const profile = requireProfile('credential-process', positionals);
  // SDKs refresh these themselves: like the server's, they leave outside every SDK's refresh window.
  const session = await profileSession({ ...sessionRequest(profile, withFileOptions(env, values), values), minTtlFloor: SERVER_FLOOR_SECONDS });
  process.stdout.write(`${credentialProcessJson(session.credentials)}\n`);
  renewServedTicket(profile, session, withFileOptions(env, values));
  return 0;
}
