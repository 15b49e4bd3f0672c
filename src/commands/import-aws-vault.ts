import { UserError } from '../errors.ts';
import { loadUserFiles } from '../config/chain.ts';
import { cacheDirectory } from '../environment/variables.ts';
import { openAwsVaultStore } from '../keystore/aws-vault/open-store.ts';
import { cacheKind } from '../keystore/aws-vault/items.ts';
import { awsVaultFilePassphrase } from '../keystore/aws-vault/variables.ts';
import { ensureConfigProfile } from '../keystore/aws-file-edit.ts';
import { dropSessionsOf } from '../keystore/drop-sessions.ts';
import { BACKEND_NAMES, vaultPath, type BackendName } from '../keystore/settings.ts';
import { chooseBackend, openKeyStore, putKeys, storedEntry, withKeystoreLock } from '../keystore/store.ts';
import { askRequired } from '../keystore/terminal-prompt.ts';
import { stsTargetFor, verifyKeys } from '../session/verify-keys.ts';
import { terminalAvailable } from '../terminal-question.ts';
import { parseCommandArgs } from './args.ts';

export const help = `Usage: tfmfa import --from aws-vault [PROFILE...] [--force] [--remove] [--no-verify] [--backend keyring|file]

Copies the long-term keys aws-vault holds (of the given profiles, or of every profile) into tfmfa's key
store: each key is checked with one STS GetCallerIdentity, then stored. One line per profile says what
happened: imported, already present (kept unless --force), skipped (aws-vault's cached sessions and
OIDC tokens, temporary keys) or not imported and why. A profile is imported whole or not at all.

aws-vault's store: the backend AWS_VAULT_BACKEND names, else the one aws-vault uses here. tfmfa reads
the encrypted files (~/.awsvault/keys, AWS_VAULT_FILE_DIR; passphrase from AWS_VAULT_FILE_PASSPHRASE or
asked on the terminal, never shown), the Secret Service collection 'awsvault' and the macOS keychain
itself; any other backend (pass, kwallet, wincred, op...) through 'aws-vault export --no-session', which
asks for what it needs itself. aws-vault's items are left as they are unless --remove is given.

Options:
  --from aws-vault   where the keys come from
  --force            replace keys tfmfa already holds for a profile
  --remove           delete each imported profile's item from aws-vault (only once it is verified and stored)
  --no-verify        store without calling STS (not with --remove)
  --backend NAME     keyring or file (overrides TFMFA_BACKEND for this command)
  -h, --help         show this help`;

const OPTIONS = {
  from: { type: 'string' },
  force: { type: 'boolean' },
  remove: { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  backend: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** aws-vault's file passphrase: AWS_VAULT_FILE_PASSPHRASE, else asked once on the terminal (not echoed). */
function passphraseFrom(env: NodeJS.ProcessEnv, dir: () => string): () => Promise<string> {
  return async () => {
    const given = awsVaultFilePassphrase(env);
    if (given !== undefined) return given;
    if (!terminalAvailable()) throw new UserError("import --from aws-vault: no terminal to ask for aws-vault's passphrase on: set AWS_VAULT_FILE_PASSPHRASE, or run tfmfa from a terminal", 2);
    return askRequired(`aws-vault's passphrase (of ${dir()}):`, { secret: true, what: "aws-vault's passphrase" });
  };
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandArgs('import', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (values.from !== 'aws-vault') throw new UserError(`import: --from takes 'aws-vault', got '${values.from ?? ''}' (without --from, import reads ~/.aws/credentials)`, 2);
  if (values.remove && values['no-verify']) throw new UserError('import: --remove deletes aws-vault\'s copy only after the keys are verified: drop --no-verify', 2);
  if (values.backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(values.backend)) {
    throw new UserError(`import: --backend must be one of ${BACKEND_NAMES.join(', ')}, got '${values.backend}'`, 2);
  }
  const files = await loadUserFiles(env);
  const keystore = openKeyStore(env);
  const choice = values.backend !== undefined ? { name: values.backend as BackendName, reason: 'chosen with --backend' } : await chooseBackend(keystore.settings, env);
  const where = choice.name === 'keyring' ? 'the OS keyring' : `the encrypted file ${vaultPath(keystore.settings.dir)}`;
  let sourceWhere = 'aws-vault';
  const source = await openAwsVaultStore(env, passphraseFrom(env, () => sourceWhere));
  sourceWhere = source.where;
  const out: string[] = [];
  const say = (line: string) => {
    out.push(line);
    process.stdout.write(`tfmfa: ${line}\n`);
  };
  let failures = 0;
  try {
    const all = await source.keys().catch((error: Error) => {
      throw new UserError(`import --from aws-vault: cannot list ${source.where}: ${oneLineReason(error)}: nothing was imported`);
    });
    const caches = all.filter((key) => cacheKind(key) !== null);
    const profiles = all.filter((key) => cacheKind(key) === null);
    const wanted = positionals.length ? [...new Set(positionals)] : profiles;
    if (caches.length && !positionals.length) say(`aws-vault: skipped ${caches.length} cached session(s) and token(s) (${[...new Set(caches.map((key) => cacheKind(key)))].join(', ')}): not long-term keys`);
    if (wanted.length === 0) say(`aws-vault: no profile with long-term keys in ${source.where}: nothing to import`);
    for (const profile of wanted) {
      const what = `aws-vault '${profile}'`;
      const kind = cacheKind(profile);
      if (kind) {
        say(`${what}: skipped: ${kind}, not long-term keys`);
        continue;
      }
      if (!profiles.includes(profile)) {
        failures++;
        say(`${what}: not imported: ${source.where} has no item for it`);
        continue;
      }
      if (!/^[\w+=,.@:/-]{1,128}$/.test(profile) || profile === '__proto__') {
        say(`${what}: skipped: not a profile name tfmfa can store (letters, digits and _+=,.@:/-, at most 128)`);
        continue;
      }
      const existing = storedEntry(keystore, profile);
      if (existing && !values.force) {
        say(`${what}: already in tfmfa's key store (${existing.accessKeyId}, ${existing.backend}): kept (--force replaces it)`);
        continue;
      }
      try {
        const content = await source.read(profile);
        if (!('keys' in content)) {
          say(`${what}: skipped: temporary keys (with a session token), not long-term keys`);
          continue;
        }
        const keys = content.keys;
        let identity = '';
        if (!values['no-verify']) identity = ` (${(await verifyKeys(keys, stsTargetFor(files, profile, env))).arn})`;
        const added = await withKeystoreLock(env, async () => {
          await putKeys(keystore, profile, keys, choice.name);
          return ensureConfigProfile(files.configPath, profile);
        });
        if (existing && existing.accessKeyId !== keys.accessKeyId) dropSessionsOf(cacheDirectory(env), existing.accessKeyId);
        const notes = [existing ? `replaced ${existing.accessKeyId}` : '', added ? `added [${profile === 'default' ? 'default' : `profile ${profile}`}] to ${files.configPath}` : ''].filter(Boolean);
        let removed = '';
        if (values.remove) {
          try {
            await source.remove(profile);
            removed = '; removed from aws-vault';
          } catch (error) {
            failures++;
            removed = `; NOT removed from aws-vault: ${(error as Error).message}`;
          }
        }
        say(`${what}: imported ${keys.accessKeyId}${identity} into ${where}${notes.length ? ` (${notes.join('; ')})` : ''}${removed}`);
      } catch (error) {
        if (error instanceof UserError && !isPerProfile(error)) throw error;
        failures++;
        say(`${what}: not imported: ${oneLineReason(error)}`);
      }
    }
  } finally {
    source.close();
  }
  if (failures) process.stderr.write(`tfmfa: import --from aws-vault: ${failures} profile(s) not imported or not removed, as said above; nothing was changed for them\n`);
  return failures ? 1 : 0;
}

/** STS refusals and key-format errors belong to one profile; a missing terminal or a cancelled prompt to all. */
function isPerProfile(error: UserError): boolean {
  return error.exitCode !== 130 && !/no terminal to ask|cancelled/.test(error.message);
}

function oneLineReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
}
