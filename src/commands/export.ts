import { UserError } from '../errors.ts';
import { childChanges, sessionChanges } from '../environment/changes.ts';
import { credentialProcessJson } from '../output/credential-json.ts';
import { EXPORT_FORMATS, formatChanges, isExportFormat } from '../output/shell-formats.ts';
import { profileSession } from '../session/profile-session.ts';
import { parseCommandArgs, requireProfile, sessionRequest, HELP_OPTION_HELP, SESSION_OPTIONS, SESSION_OPTIONS_HELP } from './args.ts';

export const summary = 'print the profile\'s credentials as shell variables (sh, fish, powershell, dotenv) or JSON';

export const help = `Usage: tfmfa export [options] PROFILE [--format ${EXPORT_FORMATS.join('|')}|json]

Prints the same variables exec would set (and unsets the profile variables), quoted for the shell:
  eval "$(tfmfa export prod)"                        # bash, zsh, sh
  tfmfa export prod --format fish | source           # fish
  tfmfa export prod --format powershell | Invoke-Expression
  tfmfa export prod --format dotenv > .env           # set -a; . .env, node --env-file, python-dotenv, direnv
  tfmfa export prod --format json                    # the credential_process shape

Options:
  -f, --format FMT     output format (default sh)
${SESSION_OPTIONS_HELP}
${HELP_OPTION_HELP}`;

const OPTIONS = { ...SESSION_OPTIONS, format: { type: 'string', short: 'f', default: 'sh' } } as const;

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandArgs('export', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const format = values.format ?? 'sh';
  if (format !== 'json' && !isExportFormat(format)) {
    throw new UserError(`export: unknown format '${format}': use one of ${EXPORT_FORMATS.join(', ')}, json`, 2);
  }
  const profile = requireProfile('export', positionals);
  const session = await profileSession(sessionRequest(profile, env, values));
  if (format === 'json') {
    process.stdout.write(`${credentialProcessJson(session.credentials)}\n`);
    return 0;
  }
  const changes = childChanges(env, sessionChanges(session.credentials, profile), session.chain.region);
  process.stdout.write(formatChanges(changes, format));
  return 0;
}
