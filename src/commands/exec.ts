import type { Settings } from '../environment/settings.ts';
import { basename } from 'node:path';
import { debug } from '../debug.ts';
import { UserError } from '../errors.ts';
import { applyChanges, childChanges, hasSessionFor } from '../environment/changes.ts';
import { findCommand } from '../launch/find-command.ts';
import { replaceProcess } from '../launch/replace-process.ts';
import { sessionEnvironment } from '../launch/session-environment.ts';
import {
  mfaCodeOption,
  parseCommand,
  printHelp,
  requireProfile,
  sessionRequest,
  SESSION_OPTIONS,
  splitAtCommand,
} from './args.ts';
import { defineCommand } from './command.ts';
import { longRunMatch } from '../shim/long-run.ts';
import { subcommandOf } from '../shim/command-lists.ts';

export const command = defineCommand({
  name: 'exec',
  summary: "run a command with the profile's credentials in its environment",
  usage: '[options] PROFILE [--] [COMMAND [ARGS...]]',
  about: `Runs COMMAND (default: $SHELL) with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
AWS_CREDENTIAL_EXPIRATION, AWS_REGION, AWS_DEFAULT_REGION and TFMFA_PROFILE set, and AWS_PROFILE,
AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN, AWS_SESSION_EXPIRATION removed. Asks for the MFA code only when
the cached session is gone. The command replaces tfmfa (same PID, signals and exit status), except for
long runs, which get the credential server (below).
Arguments and environment values pass byte for byte; bytes that are not UTF-8 need Linux (/proc): there
the command starts through /bin/sh (argv[0] becomes its path), elsewhere they become U+FFFD.

The child also gets AWS_CONFIG_FILE pointing at a generated overlay of your config in which every profile
that needs MFA or a role uses 'tfmfa credential-process', so a Terraform provider block with
profile = "X" works too (TFMFA_OVERLAY=0 or --no-overlay turns this off).`,
  options: {
    ...SESSION_OPTIONS,
    'no-overlay': { type: 'boolean', help: 'do not point the child at the config overlay' },
    server: {
      type: 'boolean',
      help:
        'stay the parent and serve self-renewing credentials to the command over a local ECS-style ' +
        'endpoint (for runs that outlive a one-hour role session)',
    },
    'no-server': { type: 'boolean', help: 'hand the command static keys even when it is a long run' },
  },
  positionals: { kind: 'profile-command' },
  footer: `Long runs (terraform/tofu plan, apply, destroy, import, refresh, console, test; terragrunt run, run-all,
--all; packer build) get the server by default; TFMFA_LONG_RUN changes the list (see 'tfmfa doctor').

Example:
  tfmfa exec prod -- terraform plan -detailed-exitcode`,
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { own, command: commandLine } = splitAtCommand(argv, command.options);
  const { values, positionals } = parseCommand(command, own);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const profile = requireProfile('exec', positionals);
  const argvOfChild = commandLine.length > 0 ? commandLine : [settings.shell || '/bin/sh'];
  const file = findCommand(argvOfChild[0] as string, settings.path);
  if (hasSessionFor(settings, profile)) {
    debug(`session for '${profile}' already in the environment: running ${file} unchanged`);
    return replaceProcess(file, argvOfChild, applyChanges(settings.environment, { set: {}, unset: [] }));
  }
  if (values.server && values['no-server'])
    throw new UserError('exec: --server and --no-server contradict each other: give one', 2);
  if (useServer(argvOfChild, settings, values)) {
    const { runWithServer } = await import('../server/run-with-server.ts');
    return runWithServer({
      request: sessionRequest(profile, settings, values, mfaCode),
      file,
      argv: argvOfChild,
      settings,
      overlay: !values['no-overlay'],
    });
  }
  const { session, changes, region } = await sessionEnvironment({
    ...sessionRequest(profile, settings, values, mfaCode),
    overlay: !values['no-overlay'],
  });
  debug(`running ${file} for profile '${profile}' (${session.fromCache ? 'cached session' : 'new session'})`);
  return replaceProcess(file, argvOfChild, applyChanges(settings.environment, childChanges(settings, changes, region)));
}

/** Server mode: forced by --server or --no-server, else for long runs (src/shim/long-run.ts); the choice is logged. */
function useServer(argv: string[], settings: Settings, values: { server?: boolean; 'no-server'?: boolean }): boolean {
  if (values.server) return (debug('server mode: --server'), true);
  if (values['no-server']) return (debug('static keys: --no-server'), false);
  const tool = basename(argv[0] as string);
  const match = longRunMatch(tool, argv.slice(1), settings);
  if (match === null)
    return (
      debug(`static keys: '${tool} ${subcommandOf(tool, argv.slice(1))}' is not a long run (TFMFA_LONG_RUN)`),
      false
    );
  debug(`server mode: '${tool} ${match}' is a long run (TFMFA_LONG_RUN)`);
  return true;
}
