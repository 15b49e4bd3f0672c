import { debug } from '../debug.ts';
import { applyChanges, childChanges, hasSessionFor } from '../environment/changes.ts';
import { findCommand } from '../launch/find-command.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { sessionEnvironment } from '../launch/session-environment.ts';
import { parseCommandArgs, requireProfile, sessionRequest, HELP_OPTION_HELP, SESSION_OPTIONS, SESSION_OPTIONS_HELP, splitAtCommand } from './args.ts';

export const summary = 'run a command with the profile\'s credentials in its environment';

export const help = `Usage: tfmfa exec [options] PROFILE [--] [COMMAND [ARGS...]]

Runs COMMAND (default: $SHELL) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION and TFMFA_PROFILE set, and AWS_PROFILE,
AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN, AWS_SESSION_EXPIRATION removed. Asks for the MFA code only when
the cached session is gone. The command replaces tfmfa (same PID, signals and exit status).
Arguments and environment values pass byte for byte; bytes that are not UTF-8 need Linux (/proc): there
the command starts through /bin/sh (argv[0] becomes its path), elsewhere they become U+FFFD.

The child also gets AWS_CONFIG_FILE pointing at a generated overlay of your config in which every profile
that needs MFA or a role uses 'tfmfa credential-process', so a Terraform provider block with
profile = "X" works too (TFMFA_OVERLAY=0 or --no-overlay turns this off).

Options:
${SESSION_OPTIONS_HELP}
  --no-overlay         do not point the child at the config overlay
  --server             stay the parent and serve self-renewing credentials to the command over a local
                       ECS-style endpoint (for runs that outlive a one-hour role session)
${HELP_OPTION_HELP}

Example:
  tfmfa exec prod -- terraform plan -detailed-exitcode`;

const OPTIONS = { ...SESSION_OPTIONS, 'no-overlay': { type: 'boolean' }, server: { type: 'boolean' } } as const;

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { own, command } = splitAtCommand(argv, OPTIONS);
  const { values, positionals } = parseCommandArgs('exec', own, OPTIONS);
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const profile = requireProfile('exec', positionals);
  const argvOfChild = command.length > 0 ? command : [env.SHELL || '/bin/sh'];
  const file = findCommand(argvOfChild[0] as string, env.PATH);
  if (hasSessionFor(env, profile)) {
    debug(`session for '${profile}' already in the environment: running ${file} unchanged`);
    return replaceProcess(file, argvOfChild, applyChanges(env, { set: {}, unset: [] }));
  }
  if (values.server) {
    const { runWithServer } = await import('../server/run-with-server.ts');
    return runWithServer({ request: sessionRequest(profile, env, values), file, argv: argvOfChild, env, overlay: !values['no-overlay'] });
  }
  const { session, changes, region } = await sessionEnvironment({ ...sessionRequest(profile, env, values), overlay: !values['no-overlay'] });
  debug(`running ${file} for profile '${profile}' (${session.fromCache ? 'cached session' : 'new session'})`);
  return replaceProcess(file, argvOfChild, applyChanges(env, childChanges(env, changes, region)));
}
