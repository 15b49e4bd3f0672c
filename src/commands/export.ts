import { UserError } from '../errors.ts';
import { childChanges, sessionChanges } from '../environment/changes.ts';
import { credentialProcessJson } from '../output/credential-json.ts';
import { EXPORT_FORMATS, formatChanges, isExportFormat } from '../output/shell-formats.ts';
import { profileSession } from '../session/profile-session.ts';
import { parseCommand, printHelp, requireProfile, sessionRequest, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'export',
  summary: 'print the profile\'s credentials as shell variables (sh, fish, powershell, dotenv) or JSON',
  usage: `[options] PROFILE [--format ${EXPORT_FORMATS.join('|')}|json]`,
  about: `Prints the same variables exec would set (and unsets the profile variables), quoted for the shell:
  eval "$(tfmfa export prod)"                        # bash, zsh, sh
  tfmfa export prod --format fish | source           # fish
  tfmfa export prod --format powershell | Invoke-Expression
  tfmfa export prod --format dotenv > .env           # set -a; . .env, node --env-file, python-dotenv, direnv
  tfmfa export prod --format json                    # the credential_process shape`,
  options: {
    format: { type: 'string', short: 'f', value: 'FMT', default: 'sh', choices: [...EXPORT_FORMATS, 'json'], help: 'output format (default sh)' },
    ...SESSION_OPTIONS,
  },
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
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
