import type { Settings } from '../environment/settings.ts';
import type { AwsFiles } from '../config/files.ts';
import { UserError } from '../errors.ts';
import { chooseBackend } from '../keystore/store.ts';
import { keyIndexPath, keystoreSettings, vaultPath } from '../keystore/settings.ts';
import { readKeyIndex } from '../keystore/key-index.ts';
import { fail, info, ok, warning, type Check } from './check.ts';
import { plaintextKeyFile } from '../views/key-location.ts';
import { compareNames } from '../views/profiles.ts';

/**
 * doctor's key store section: which backend new keys go to and why, what is stored where, and every profile
 * whose long-term keys are still in plaintext (with the `tfmfa import` line that fixes it).
 */
export async function keystoreChecks(files: AwsFiles, settings: Settings): Promise<Check[]> {
  const checks: Check[] = [];
  try {
    const keystore = keystoreSettings(settings);
    const choice = await chooseBackend(keystore, settings);
    const where = choice.name === 'keyring' ? 'the OS keyring' : `the encrypted file ${vaultPath(keystore.dir)}`;
    checks.push(ok(`new keys ('tfmfa add', 'import') go to ${where}: ${choice.reason}`));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    checks.push(fail(error.message, 'fix TFMFA_BACKEND or ~/.config/tfmfa/settings.json'));
  }
  const stored = [...(files.storedKeys ?? new Map())].sort(([a], [b]) => compareNames(a, b));
  if (stored.length)
    checks.push(info(`stored keys: ${stored.map(([name, entry]) => `'${name}' (${entry.backend})`).join(', ')}`));
  try {
    for (const [name, entry] of readKeyIndex(keyIndexPath(settings))) {
      if (entry.rotation)
        checks.push(
          warning(
            `profile '${name}': a 'tfmfa rotate' was interrupted (${entry.rotation.from} ` +
              `→ ${entry.rotation.to}); its stored key still works`,
            `tfmfa rotate ${name} (finishes or undoes it)`,
          ),
        );
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error; // a damaged index is reported where the chain reads it
  }
  for (const name of [...files.profiles.keys()].sort(compareNames)) {
    const plaintext = plaintextKeyFile(files, name);
    if (!plaintext) continue;
    const inStore = files.storedKeys?.get(name);
    if (inStore) {
      checks.push(
        warning(
          `profile '${name}' has keys both in the key store (${inStore.backend}, ${inStore.accessKeyId}) and ` +
            `in plaintext in ${plaintext}: the stored ones are used`,
          `delete the aws_access_key_id / aws_secret_access_key lines of '${name}' from ${plaintext}`,
        ),
      );
    } else {
      checks.push(warning(`profile '${name}' has long-term keys in plaintext in ${plaintext}`, `tfmfa import ${name}`));
    }
  }
  return checks;
}
