import type { Settings } from '../environment/settings.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyIndexPath, configDirectory } from './location.ts';
import { UserError } from '../errors.ts';
import { variableName } from '../environment/variables.ts';

/** The two places long-term keys can live. */
export type BackendName = 'keyring' | 'file';
export const BACKEND_NAMES: readonly BackendName[] = ['keyring', 'file'];

/** Everything the key store takes from the environment: the one place that reads its variables. */
export interface KeystoreSettings {
  /** `$XDG_CONFIG_HOME/tfmfa` or `~/.config/tfmfa`: the vault, the index and settings.json. */
  dir: string;
  /** `TFMFA_BACKEND`, else `backend` in settings.json; undefined means "choose" (keyring when usable, else file). */
  backend?: BackendName;
  /** Where `backend` came from, for doctor. */
  backendOrigin?: string;
  /** `TFMFA_FILE_PASSPHRASE`, for automation. */
  passphrase?: string;
  /** `TFMFA_ROTATE_WAIT`: how long `rotate` waits for IAM to accept a new key (default 2 min). */
  rotateWaitSeconds: number;
}

export { keyIndexPath, configDirectory };

/** The encrypted file backend's vault. */
export function vaultPath(dir: string): string {
  return join(dir, 'vault.json');
}

export function keystoreSettings(settings: Settings): KeystoreSettings {
  const dir = configDirectory(settings);
  const keystore: KeystoreSettings = { dir, rotateWaitSeconds: settings.rotateWait };
  const fromEnv = settings.backend;
  const settingsFile = join(dir, 'settings.json');
  const fromFile = fromEnv ? undefined : configuredBackend(settingsFile);
  const chosen = fromEnv || fromFile;
  if (chosen) {
    const origin = fromEnv ? variableName('backend') : `"backend" in ${settingsFile}`;
    if (!(BACKEND_NAMES as readonly string[]).includes(chosen)) {
      throw new UserError(`${origin} is '${chosen}': use one of ${BACKEND_NAMES.join(', ')}`, 2);
    }
    keystore.backend = chosen as BackendName;
    keystore.backendOrigin = origin;
  }
  const passphrase = settings.filePassphrase;
  if (passphrase !== undefined) keystore.passphrase = passphrase;
  return keystore;
}

function configuredBackend(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = (JSON.parse(text) as { backend?: unknown }).backend;
    return typeof value === 'string' ? value.trim() : undefined;
  } catch {
    throw new UserError(`${path} is not valid JSON: fix it (e.g. {"backend": "file"}) or remove it`, 2);
  }
}
