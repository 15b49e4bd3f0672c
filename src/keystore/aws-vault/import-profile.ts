import type { Settings } from '../../environment/settings.ts';
import { UserError } from '../../errors.ts';
import { ensureConfigProfile } from '../aws-file-edit.ts';
import { dropSessionsOf } from '../drop-sessions.ts';
import type { BackendName } from '../settings.ts';
import type { LongTermKeys } from '../types.ts';
import { putKeys, storedEntry, withKeystoreLock, type KeyStore } from '../store.ts';
import type { AwsVaultStore } from './store.ts';

/** Stops the whole import (no passphrase can be had, a prompt was cancelled): not one profile's failure. */
export class ImportAborted extends UserError {}

export interface ImportSettings {
  /** The AWS files in use: only the config file's path (where a missing [profile NAME] is added). */
  files: { configPath: string };
  settings: Settings;
  keystore: KeyStore;
  backend: BackendName;
  /** How the chosen backend is named in messages. */
  where: string;
  force: boolean;
  /** Checks a key with STS and returns who it is (the caller's GetCallerIdentity); null: --no-verify. */
  verify: ((keys: LongTermKeys, profile: string) => Promise<string>) | null;
  remove: boolean;
}

/** What happened to one profile: its line, and whether it counts as a failure (exit status 1). */
export interface ImportOutcome {
  line: string;
  failed: boolean;
}

const STORABLE_NAME = /^[\w+=,.@:/-]{1,128}$/;

/**
 * Imports one profile, all or nothing: read it from aws-vault's store, check the key with STS, store it in
 * tfmfa's key store (and give it a config section), and only then, with --remove, delete aws-vault's item.
 * A failure before the store leaves everything as it was; the line says why.
 */
export async function importProfile(
  source: AwsVaultStore,
  profile: string,
  settings: ImportSettings,
): Promise<ImportOutcome> {
  const what = `aws-vault '${profile}'`;
  if (!STORABLE_NAME.test(profile) || profile === '__proto__') {
    return {
      line: `${what}: skipped: not a profile name tfmfa can store (letters, digits and _+=,.@:/-, at most 128)`,
      failed: false,
    };
  }
  const existing = storedEntry(settings.keystore, profile);
  if (existing && !settings.force) {
    return {
      line:
        `${what}: already in tfmfa's key store (${existing.accessKeyId}, ${existing.backend}): kept ` +
        `(--force replaces it)`,
      failed: false,
    };
  }
  let stored: { keys: { accessKeyId: string }; identity: string; added: boolean };
  try {
    const content = await source.read(profile);
    if (!('keys' in content))
      return { line: `${what}: skipped: temporary keys (with a session token), not long-term keys`, failed: false };
    const keys = content.keys;
    const identity = settings.verify ? ` (${await settings.verify(keys, profile)})` : '';
    const added = await withKeystoreLock(settings.settings, async () => {
      await putKeys(settings.keystore, profile, keys, settings.backend);
      return ensureConfigProfile(settings.files.configPath, profile);
    });
    stored = { keys, identity, added };
  } catch (error) {
    if (error instanceof ImportAborted) throw error;
    return { line: `${what}: not imported: ${oneLineReason(error)}`, failed: true };
  }
  const { keys, identity, added } = stored;
  if (existing && existing.accessKeyId !== keys.accessKeyId)
    dropSessionsOf(settings.settings.cacheDir, existing.accessKeyId);
  const notes = [
    existing ? `replaced ${existing.accessKeyId}` : '',
    added ? `added [${profile === 'default' ? 'default' : `profile ${profile}`}] to ${settings.files.configPath}` : '',
  ].filter(Boolean);
  let removed = '';
  let failed = false;
  if (settings.remove) {
    try {
      await source.remove(profile);
      removed = '; removed from aws-vault';
    } catch (error) {
      failed = true;
      removed = `; NOT removed from aws-vault: ${oneLineReason(error)}`;
    }
  }
  return {
    line:
      `${what}: imported ${keys.accessKeyId}${identity} ` +
      `into ${settings.where}${notes.length ? ` (${notes.join('; ')})` : ''}${removed}`,
    failed,
  };
}

export function oneLineReason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ').trim();
}
