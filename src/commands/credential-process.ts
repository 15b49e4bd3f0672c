import type { Settings } from '../environment/settings.ts';
import { withGivenFiles } from '../environment/aws-files.ts';
import { credentialProcessJson } from '../output/credential-json.ts';
import { SERVER_FLOOR_SECONDS } from '../session/margin.ts';
import { profileSession } from '../session/profile-session.ts';
import { renewServedTicket } from '../shim/launcher/served-ticket.ts';
import { mfaCodeOption, parseCommand, printHelp, requireProfile, sessionRequest, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'credential-process',
  summary: 'print credentials as JSON for credential_process = in ~/.aws/config',
  usage: '[options] PROFILE',
  about: `Prints {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…} on stdout and
nothing else; errors go to stderr with a non-zero exit. Prompts for the MFA code on the terminal (/dev/tty),
since SDKs capture stdout (and botocore stderr). Same cache and lock as exec: a warm session costs nothing.

In ~/.aws/config, with absolute paths (not every SDK runs credential_process through a login shell):
  [profile prod-tf]
  credential_process = /usr/local/bin/tfmfa credential-process prod`,
  options: {
    ...SESSION_OPTIONS,
    'config-file': {
      type: 'string',
      value: 'PATH',
      help: 'read profiles from PATH instead of TFMFA_CONFIG_FILE / AWS_CONFIG_FILE / ~/.aws/config',
    },
    'credentials-file': {
      type: 'string',
      value: 'PATH',
      help: 'read keys from PATH instead of TFMFA_CREDENTIALS_FILE / AWS_SHARED_CREDENTIALS_FILE / ~/.aws/credentials',
    },
  },
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const profile = requireProfile('credential-process', positionals);
  // SDKs refresh these themselves: like the server's, they leave outside every SDK's refresh window.
  const withFiles = withGivenFiles(settings, values);
  const session = await profileSession({
    ...sessionRequest(profile, withFiles, values, mfaCode),
    minTtlFloor: SERVER_FLOOR_SECONDS,
  });
  process.stdout.write(`${credentialProcessJson(session.credentials)}\n`);
  renewServedTicket(profile, session, withFiles);
  return 0;
}
