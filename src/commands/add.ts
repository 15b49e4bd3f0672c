import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { resolveUserFile } from '../store/atomic-write.ts';
import { loadUserFiles } from '../config/chain.ts';
import { ensureConfigProfile } from '../keystore/aws-file-edit.ts';
import { dropSessionsOf } from '../keystore/drop-sessions.ts';
import { checkProfileName, keysFromEnvironment, keysFromTerminal } from '../keystore/key-input.ts';
import { BACKEND_NAMES, vaultPath, type BackendName } from '../keystore/settings.ts';
import { chooseBackend, openKeyStore, putKeys, storedEntry, withKeystoreLock } from '../keystore/store.ts';
import { stsTargetFor, verifyKeys } from '../session/verify-keys.ts';
import { parseCommand, printHelp } from './args.ts';
import { defineCommand } from './command.ts';

export const command = defineCommand({
  name: 'add',
  summary: "store a profile's long-term access keys in the OS keyring or the encrypted file",
  usage: `PROFILE [--env] [--no-verify] [--backend ${BACKEND_NAMES.join('|')}]`,
  about: `Stores the long-term access keys of PROFILE in tfmfa's key store instead of ~/.aws/credentials, and
adds a [profile PROFILE] section to the config file if there is none. The keys are asked for on the
terminal (the secret is not shown), or taken from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY with
--env; never from the command line. They are checked with one STS GetCallerIdentity first.
When the credentials file already holds PROFILE's long-term keys, add asks nothing and points at
'tfmfa import PROFILE', which moves them (with --env, the keys given are stored and the plaintext
copy is reported).

From then on tfmfa reads them only when it needs a new session (never for a cached run), and they
never reach a child process: a profile without role or MFA device gets a GetSessionToken session.

Backend: the OS keyring (macOS Keychain, Windows Credential Manager, Secret Service) when one is
reachable and unlocked, else an encrypted file (scrypt + AES-256-GCM) under ~/.config/tfmfa whose
passphrase is asked on the terminal or taken from TFMFA_FILE_PASSPHRASE. TFMFA_BACKEND or
{"backend": "…"} in ~/.config/tfmfa/settings.json chooses; 'tfmfa doctor' says which and why.`,
  options: {
    env: { type: 'boolean', help: 'take the keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY' },
    'no-verify': { type: 'boolean', help: 'store without calling STS' },
    backend: {
      type: 'string',
      value: 'NAME',
      choices: BACKEND_NAMES,
      help: 'keyring or file (overrides TFMFA_BACKEND for this command)',
    },
  },
  positionals: { kind: 'profile' },
});

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  const profile = checkProfileName('add', positionals[0], positionals.slice(1));
  if (values.backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(values.backend)) {
    throw new UserError(`add: --backend must be one of ${BACKEND_NAMES.join(', ')}, got '${values.backend}'`, 2);
  }
  const files = await loadUserFiles(settings);
  resolveUserFile(files.configPath); // a config file that is a link to nothing is refused before anything is stored
  const store = openKeyStore(settings);
  const plaintext = files.credentialsSections.get(profile);
  if (!values.env && plaintext?.aws_access_key_id && plaintext.aws_secret_access_key && !plaintext.aws_session_token) {
    // Asking for keys the credentials file already holds would leave a plaintext copy behind: move them instead.
    throw new UserError(
      `add: ${files.credentialsPath} already holds the keys of '${profile}': run 'tfmfa import ${profile}' to ` +
        `move them into the key store (or remove them from that file first to add other keys)`,
      2,
    );
  }
  const keys = values.env ? keysFromEnvironment(settings) : await keysFromTerminal(profile);
  if (!values['no-verify']) {
    const identity = await verifyKeys(keys, stsTargetFor(files, profile, settings));
    process.stderr.write(`tfmfa: the keys work: ${identity.arn}\n`);
  }
  const choice =
    values.backend !== undefined
      ? { name: values.backend as BackendName, reason: 'chosen with --backend' }
      : await chooseBackend(store.settings, settings);
  // The config file is edited under the same lock: concurrent adds each keep their section.
  const { previous, added } = await withKeystoreLock(settings, async () => {
    const before = storedEntry(store, profile);
    await putKeys(store, profile, keys, choice.name);
    return { previous: before, added: ensureConfigProfile(files.configPath, profile) };
  });
  if (previous && previous.accessKeyId !== keys.accessKeyId) dropSessionsOf(settings.cacheDir, previous.accessKeyId);
  const where = choice.name === 'keyring' ? 'the OS keyring' : `the encrypted file ${vaultPath(store.settings.dir)}`;
  const lines = [`stored ${keys.accessKeyId} for profile '${profile}' in ${where} (${choice.reason})`];
  if (previous) lines.push(`replaced ${previous.accessKeyId} (${previous.backend})`);
  if (added) lines.push(`added [${profile === 'default' ? 'default' : `profile ${profile}`}] to ${files.configPath}`);
  if (files.credentialsSections.get(profile)?.aws_secret_access_key) {
    lines.push(
      `${files.credentialsPath} still has plaintext keys for '${profile}' (the stored ones win): remove them, ` +
        `or run 'tfmfa import ${profile}' instead`,
    );
  }
  process.stdout.write(`${lines.map((line) => `tfmfa: ${line}`).join('\n')}\n`);
  return 0;
}
