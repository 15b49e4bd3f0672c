import { parseArgs, type ParseArgsConfig } from 'node:util';
import { selectedProfile } from '../environment/profile.ts';
import { UserError } from '../errors.ts';
import { checkMfaToken } from '../mfa/flag.ts';
import { checkPromptName } from '../mfa/prompt-settings.ts';
import type { SessionRequest } from '../session/profile-session.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options shared by the commands that open a session. */
export const SESSION_OPTIONS = {
  'mfa-token': { type: 'string' },
  prompt: { type: 'string' },
  'no-session': { type: 'boolean' },
  'session-ttl': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

export const SESSION_OPTIONS_HELP = `  --mfa-token CODE     use this MFA code instead of prompting
  --prompt NAME        where to ask for an MFA code: terminal, zenity, kdialog, osascript, powershell,
                       ykman or auto (default auto; TFMFA_PROMPT, mfa_prompt)
  --no-session         assume the role straight from the long-term keys (no GetSessionToken)
  --session-ttl DUR    lifetime of the MFA session (e.g. 8h, 90m; 15m..36h; default 8h, TFMFA_SESSION_TTL)`;

/** The last line of every command's options. */
export const HELP_OPTION_HELP = '  -h, --help           show this help';

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

export function parseCommandArgs<T extends Options>(command: string, argv: string[], options: T) {
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
export function requireProfile(command: string, positionals: string[], fallback?: NodeJS.ProcessEnv): string {
  const profile = fallback ? selectedProfile(fallback, positionals[0]).profile : positionals[0];
  if (!profile) throw new UserError(`${command}: no profile given: run 'tfmfa ${command} PROFILE'`, 2);
  if (positionals.length > 1) throw new UserError(`${command}: unexpected argument '${positionals[1]}': run 'tfmfa ${command} --help'`, 2);
  return profile;
}

/** A session request from the parsed SESSION_OPTIONS. */
export function sessionRequest(profile: string, env: NodeJS.ProcessEnv, values: { 'mfa-token'?: string; prompt?: string; 'no-session'?: boolean; 'session-ttl'?: string }): SessionRequest {
  return {
    profile,
    env,
    useSession: !values['no-session'],
    ...(values['mfa-token'] !== undefined ? { mfaToken: checkMfaToken(values['mfa-token']) } : {}),
    ...(values['session-ttl'] !== undefined ? { sessionTtl: values['session-ttl'] } : {}),
    ...(values.prompt !== undefined ? { prompt: checkPromptName(values.prompt, '--prompt') } : {}),
  };
}
