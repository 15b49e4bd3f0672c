import { debug } from '../debug.ts';
import { applyChanges, hasSessionFor, mergeChanges, regionChanges } from '../launch/environment.ts';
import { findCommand } from '../launch/find-command.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { sessionEnvironment } from '../launch/session-environment.ts';
import { parseCommandArgs, requireProfile, SESSION_OPTIONS, SESSION_OPTIONS_HELP, splitAtCommand } from './args.ts';

export const summary = 'run a command with the profile\'s credentials in its environment';

export const help = `Usage: tfmfa exec [options] PROFILE [--] [COMMAND [ARGS...]]

Runs COMMAND (default: $SHELL) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION and TFMFA_PROFILE set, and AWS_PROFILE,
AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN, AWS_SESSION_EXPIRATION removed. Asks for the MFA code only when
the cached session is gone. The command replaces tfmfa (same PID, signals and exit status).

Options:
${SESSION_OPTIONS_HELP}

Example:
  tfmfa exec prod -- terraform plan -detailed-exitcode`;

const OPTIONS = SESSION_OPTIONS;

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { own, command } = splitAtCommand(argv, OPTIONS);
  const { values, positionals } = parseCommandArgs('exec', own, OPTIONS);
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const profile = requireProfile('exec', positionals, {});
  const argvOfChild = command.length > 0 ? command : [env.SHELL || '/bin/sh'];
  const file = findCommand(argvOfChild[0] as string, env.PATH);
  if (hasSessionFor(env, profile)) {
    debug(`session for '${profile}' already in the environment: running ${file} unchanged`);
    return replaceProcess(file, argvOfChild, applyChanges(env, { set: {}, unset: [] }));
  }
  const { session, changes, region } = await sessionEnvironment({
    profile,
    env,
    ...(values['mfa-token'] !== undefined ? { mfaToken: values['mfa-token'] } : {}),
    useSession: !values['no-session'],
    ...(values['session-ttl'] !== undefined ? { sessionTtl: values['session-ttl'] } : {}),
  });
  debug(`running ${file} for profile '${profile}' (${session.fromCache ? 'cached session' : 'new session'})`);
  return replaceProcess(file, argvOfChild, applyChanges(env, mergeChanges(changes, regionChanges(env, region))));
}
