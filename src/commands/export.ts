import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { childChanges } from '../environment/changes.ts';
import { sessionEnvironment } from '../launch/session-environment.ts';
import { credentialProcessJson } from '../output/credential-json.ts';
import { EXPORT_FORMATS, formatChanges, isExportFormat } from '../output/shell-formats.ts';
import { profileSession } from '../session/profile-session.ts';
import { mfaCodeOption, parseCommand, printHelp, requireProfile, sessionRequest, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'export',
  summary: "print the profile's credentials as shell variables (sh, fish, powershell, dotenv) or JSON",
  usage: `[options] PROFILE [--format ${EXPORT_FORMATS.join('|')}|json]`,
  about: `Prints the same variables exec would set (and unsets the profile variables), quoted for the shell: the
profile's keys, and AWS_CONFIG_FILE naming the config overlay, so that a profile named in code
(provider "aws" { profile = "prod" }) or on a command line (--profile prod) gets tfmfa's session too:
  eval "$(tfmfa export prod)"                        # bash, zsh, sh
  tfmfa export prod --format fish | source           # fish
  tfmfa export prod --format powershell | Invoke-Expression
  tfmfa export prod --format dotenv > .env           # set -a; . .env, node --env-file, python-dotenv, direnv
  tfmfa export prod --format json                    # the credential_process shape`,
  options: {
    format: {
      type: 'string',
      short: 'f',
      value: 'FMT',
      default: 'sh',
      choices: [...EXPORT_FORMATS, 'json'],
      help: 'output format (default sh)',
    },
    'no-overlay': { type: 'boolean', help: 'the keys only: leave AWS_CONFIG_FILE alone (TFMFA_OVERLAY=0)' },
    ...SESSION_OPTIONS,
  },
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const format = values.format ?? 'sh';
  if (format !== 'json' && !isExportFormat(format)) {
    throw new UserError(`export: unknown format '${format}': use one of ${EXPORT_FORMATS.join(', ')}, json`, 2);
  }
  const profile = requireProfile('export', positionals);
  if (format === 'json') {
    const session = await profileSession(sessionRequest(profile, settings, values, mfaCode));
    process.stdout.write(`${credentialProcessJson(session.credentials)}\n`);
    return 0;
  }
  // exec's variables exactly: the session's keys and marker, the overlay (unless off), the region rule.
  const { changes, region } = await sessionEnvironment({
    ...sessionRequest(profile, settings, values, mfaCode),
    overlay: !values['no-overlay'],
  });
  process.stdout.write(formatChanges(childChanges(settings, changes, region), format));
  return 0;
}
