import type { Settings } from '../environment/settings.ts';
import { UserError } from '../errors.ts';
import { loadUserFiles } from '../config/chain.ts';
import { openAwsVaultStore } from '../keystore/aws-vault/open-store.ts';
import { cacheKind } from '../keystore/aws-vault/items.ts';
import { BACKEND_NAMES, vaultPath, type BackendName } from '../keystore/settings.ts';
import {
  importProfile,
  ImportAborted,
  oneLineReason,
  type ImportSettings,
} from '../keystore/aws-vault/import-profile.ts';
import { chooseBackend, openKeyStore } from '../keystore/store.ts';
import { askRequired } from '../keystore/terminal-prompt.ts';
import { stsTargetFor, verifyKeys } from '../session/verify-keys.ts';
import { terminalAvailable } from '../terminal-question.ts';
import { parseCommand, printHelp } from './args.ts';
import { command } from './import-aws-vault-command.ts';

/** aws-vault's file passphrase: AWS_VAULT_FILE_PASSPHRASE, else asked once on the terminal (not echoed). */
function passphraseFrom(settings: Settings, dir: () => string): () => Promise<string> {
  return async () => {
    const given = settings.awsVaultFilePassphrase;
    if (given !== undefined) return given;
    if (!terminalAvailable())
      throw new ImportAborted(
        "import --from aws-vault: no terminal to ask for aws-vault's passphrase on: set " +
          'AWS_VAULT_FILE_PASSPHRASE, or run tfmfa from a terminal',
        2,
      );
    return askRequired(`aws-vault's passphrase (of ${dir()}):`, { secret: true, what: "aws-vault's passphrase" }).catch(
      (error: unknown) => {
        throw error instanceof UserError ? new ImportAborted(error.message, error.exitCode) : error;
      },
    );
  };
}

export async function run(argv: string[], settings: Settings): Promise<number> {
  const { values, positionals } = parseCommand(command, argv);
  if (values.help) return printHelp(command);
  if (values.from !== 'aws-vault')
    throw new UserError(
      `import: --from takes 'aws-vault', got '${values.from ?? ''}' (without --from, import reads ~/.aws/credentials)`,
      2,
    );
  if (values.remove && values['no-verify'])
    throw new UserError(
      "import: --remove deletes aws-vault's copy only after the keys are verified: drop --no-verify",
      2,
    );
  if (values.backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(values.backend)) {
    throw new UserError(`import: --backend must be one of ${BACKEND_NAMES.join(', ')}, got '${values.backend}'`, 2);
  }
  const files = await loadUserFiles(settings);
  const keystore = openKeyStore(settings);
  const choice =
    values.backend !== undefined
      ? { name: values.backend as BackendName, reason: 'chosen with --backend' }
      : await chooseBackend(keystore.settings, settings);
  const importing: ImportSettings = {
    files,
    settings,
    keystore,
    backend: choice.name,
    where: choice.name === 'keyring' ? 'the OS keyring' : `the encrypted file ${vaultPath(keystore.settings.dir)}`,
    force: values.force === true,
    verify: values['no-verify']
      ? null
      : async (keys, profile) => (await verifyKeys(keys, stsTargetFor(files, profile, settings))).arn,
    remove: values.remove === true,
  };
  let sourceWhere = 'aws-vault';
  const source = await openAwsVaultStore(
    settings,
    passphraseFrom(settings, () => sourceWhere),
  );
  sourceWhere = source.where;
  const say = (line: string) => process.stdout.write(`tfmfa: ${line}\n`);
  let failures = 0;
  try {
    const all = await source.keys().catch((error: Error) => {
      throw new UserError(
        `import --from aws-vault: cannot list ${source.where}: ${oneLineReason(error)}: nothing was imported`,
      );
    });
    const caches = all.filter((key) => cacheKind(key) !== null);
    const profiles = all.filter((key) => cacheKind(key) === null);
    const wanted = positionals.length ? [...new Set(positionals)] : profiles;
    if (caches.length && !positionals.length)
      say(
        `aws-vault: skipped ${caches.length} cached session(s) and token(s) ` +
          `(${[...new Set(caches.map((key) => cacheKind(key)))].join(', ')}): not long-term keys`,
      );
    if (wanted.length === 0) say(`aws-vault: no profile with long-term keys in ${source.where}: nothing to import`);
    for (const profile of wanted) {
      const kind = cacheKind(profile);
      if (kind) {
        say(`aws-vault '${profile}': skipped: ${kind}, not long-term keys`);
      } else if (!profiles.includes(profile)) {
        failures++;
        say(`aws-vault '${profile}': not imported: ${source.where} has no item for it`);
      } else {
        const outcome = await importProfile(source, profile, importing);
        if (outcome.failed) failures++;
        say(outcome.line);
      }
    }
  } finally {
    source.close();
  }
  if (failures)
    process.stderr.write(
      `tfmfa: import --from aws-vault: ${failures} profile(s) not imported or not removed, as said above; ` +
        `nothing was changed for them\n`,
    );
  return failures ? 1 : 0;
}
