import type { Settings } from '../environment/settings.ts';
import { childChanges, MARKER_VARIABLE, sessionChanges } from '../environment/changes.ts';
import { terragruntAuthJson, terragruntEnvs } from '../output/terragrunt-json.ts';
import { sessionEnvironment } from '../launch/session-environment.ts';
import { mfaCodeOption, parseCommand, printHelp, requireProfile, sessionRequest, SESSION_OPTIONS } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'terragrunt-auth',
  summary: "print credentials as JSON for terragrunt's --auth-provider-cmd",
  usage: '[options] [PROFILE]',
  about: `Prints terragrunt's auth-provider JSON (schema v2) on stdout and nothing else:
  {"awsCredentials":{"ACCESS_KEY_ID":…,"SECRET_ACCESS_KEY":…,"SESSION_TOKEN":…},"envs":{"AWS_REGION":…,…}}
envs carries the region (AWS_REGION / AWS_DEFAULT_REGION where the environment lacks them) and tfmfa's
marker (TFMFA_PROFILE), so terraform started by terragrunt passes through a shim untouched. PROFILE defaults
to AWS_PROFILE, AWS_DEFAULT_PROFILE, TFMFA_DEFAULT_PROFILE, then default (the shims' order).

Terragrunt calls it concurrently, once per unit: the MFA code is asked once, on the terminal (/dev/tty),
and every other call waits for that session (same cache and lock as exec).
  export TG_AUTH_PROVIDER_CMD='tfmfa terragrunt-auth'
  terragrunt run --all plan --auth-provider-cmd 'tfmfa terragrunt-auth prod'   # or per run`,
  options: SESSION_OPTIONS,
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const mfaCode = mfaCodeOption(values);
  const profile = requireProfile('terragrunt-auth', positionals, settings);
  // Through the shims' path: the profile's ticket is written (and the launcher's trust renewed), so the next
  // calls through tfmfa-launcher are served without Node.
  const { session } = await sessionEnvironment(sessionRequest(profile, settings, values, mfaCode));
  const changes = childChanges(settings, sessionChanges(session.credentials, profile), session.chain.region);
  process.stdout.write(`${terragruntAuthJson(session.credentials, terragruntEnvs(changes, MARKER_VARIABLE))}\n`);
  return 0;
}
