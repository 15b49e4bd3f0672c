import type { Settings } from '../environment/settings.ts';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { selectedProfile } from '../environment/profile.ts';
import { UserError } from '../errors.ts';
import { checkMfaCodeFlag } from '../mfa/flag.ts';
import { checkPromptName } from '../mfa/prompt-settings.ts';
import type { SessionRequest } from '../session/profile-session.ts';
import { PROMPT_DRIVERS } from '../mfa/drivers/index.ts';
import { helpText, type CommandDeclaration, type OptionTable } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options shared by the commands that open a session. */
export const SESSION_OPTIONS = {
  'mfa-token': { type: 'string', value: 'CODE', help: 'use this MFA code instead of prompting' },
  prompt: {
    type: 'string',
    value: 'NAME',
    choices: [...PROMPT_DRIVERS, 'auto'],
    help: `where to ask for an MFA code: ${PROMPT_DRIVERS.join(', ')} or auto (default auto; TFMFA_PROMPT, mfa_prompt)`,
  },
  'no-session': { type: 'boolean', help: 'assume the role straight from the long-term keys (no GetSessionToken)' },
  'session-ttl': {
    type: 'string',
    value: 'DUR',
    help: 'lifetime of the MFA session (e.g. 8h, 90m; 15m..36h; default 8h, TFMFA_SESSION_TTL)',
  },
} as const satisfies OptionTable;

/**
 * Splits `[options] PROFILE [--] COMMAND…`: options may stand before or after PROFILE; the command starts at
 * `--` or at the first word after PROFILE, and everything from there on is the command's, untouched.
 */
export function splitAtCommand(argv: string[], options: Options): { own: string[]; command: string[] } {
  let positionals = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return { own: argv.slice(0, i), command: argv.slice(i + 1) };
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.replace(/^--?/, '').split('=')[0] ?? '';
      const spec = options[name] ?? Object.values(options).find((o) => o.short === name);
      if (spec?.type === 'string' && !arg.includes('=')) i++;
      continue;
    }
    positionals++;
    if (positionals === 2) return { own: argv.slice(0, i), command: argv.slice(i) };
  }
  return { own: argv, command: [] };
}

/** Parses a command's arguments by its declaration; a bad option is one line that points at --help. */
export function parseCommand<O extends OptionTable>(declaration: CommandDeclaration<O>, argv: string[]) {
  return parseCommandArgs(declaration.name, argv, declaration.options);
}

/** `--help`: the help text derived from the declaration, on stdout. */
export function printHelp(declaration: CommandDeclaration): number {
  process.stdout.write(`${helpText(declaration)}\n`);
  return 0;
}

function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UserError(`${command}: ${message}: run 'tfmfa ${command} --help'`, 2);
  }
}

/**
 * The command's PROFILE: the argument; where the command lets it default (`fallback`), the profile order every
 * shim uses (AWS_PROFILE, AWS_DEFAULT_PROFILE, TFMFA_DEFAULT_PROFILE, default).
 */
export function requireProfile(command: string, positionals: string[], fallback?: Settings): string {
  const profile = fallback ? selectedProfile(fallback, positionals[0]).profile : positionals[0];
  if (!profile) throw new UserError(`${command}: no profile given: run 'tfmfa ${command} PROFILE'`, 2);
  if (positionals.length > 1)
    throw new UserError(`${command}: unexpected argument '${positionals[1]}': run 'tfmfa ${command} --help'`, 2);
  return profile;
}

/** `--mfa-token` checked (the one check, before anything else runs), as the request's `mfaCode`. */
export function mfaCodeOption(values: { 'mfa-token'?: string }): Pick<SessionRequest, 'mfaCode'> {
  return values['mfa-token'] !== undefined ? { mfaCode: checkMfaCodeFlag(values['mfa-token']) } : {};
}

/**
 * A session request from the parsed SESSION_OPTIONS; `mfaCode` is what mfaCodeOption gave, checked by the command
 * right after parsing (before any path that ends without a session).
 */
export function sessionRequest(
  profile: string,
  settings: Settings,
  values: { prompt?: string; 'no-session'?: boolean; 'session-ttl'?: string },
  mfaCode: Pick<SessionRequest, 'mfaCode'>,
): SessionRequest {
  return {
    profile,
    settings,
    useSession: !values['no-session'],
    ...mfaCode,
    ...(values['session-ttl'] !== undefined ? { sessionTtl: values['session-ttl'] } : {}),
    ...(values.prompt !== undefined ? { prompt: checkPromptName(values.prompt, '--prompt') } : {}),
  };
}
