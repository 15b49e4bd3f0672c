import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { writeUserFileAtomic } from '../store/atomic-write.ts';
import { ensureKeystoreDir } from './keystore-dir.ts';
import { vaultPath } from './settings.ts';
import type { KeyBackend, LongTermKeys } from './types.ts';
import {
  decrypt,
  deriveKey,
  encrypt,
  newHeader,
  parseVault,
  VaultDamagedError,
  VaultLockedError,
  type VaultFile,
  type VaultHeader,
} from './vault-crypto.ts';

/**
 * Asks for the vault's passphrase; `creating` when there is no vault yet (ask twice). `retry` (a note to show)
 * when the last one was wrong: null then means there is no other to try (it came from the environment).
 */
export type PassphraseSource = (creating: boolean, retry?: string) => Promise<string | null>;

/** How many passphrases a person may type before the command gives up (as sudo and ssh do). */
const PASSPHRASE_TRIES = 3;

interface VaultContents {
  profiles: Record<string, LongTermKeys>;
}

/**
 * The encrypted file backend: one vault (vault.json, 0600 in the 0700 key store directory) holding every
 * profile's keys, replaced atomically on each change. The caller holds the key store's lock around a
 * read-modify-write, so concurrent `add`s lose nothing.
 */
export class FileBackend implements KeyBackend {
  readonly name = 'file' as const;
  readonly path: string;
  private readonly dir: string;
  private readonly passphrase: PassphraseSource;
  private unlocked: { header: VaultHeader; key: Buffer } | undefined;

  constructor(dir: string, passphrase: PassphraseSource) {
    this.dir = dir;
    this.passphrase = passphrase;
    this.path = vaultPath(dir);
  }

  async get(profile: string): Promise<LongTermKeys | null> {
    const contents = await this.read();
    return contents?.profiles[profile] ?? null;
  }

  async set(profile: string, keys: LongTermKeys): Promise<void> {
    const contents = (await this.read()) ?? { profiles: {} };
    contents.profiles[profile] = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
    await this.write(contents);
  }

  async delete(profile: string): Promise<boolean> {
    const contents = await this.read();
    if (!contents || !Object.hasOwn(contents.profiles, profile)) return false;
    delete contents.profiles[profile];
    await this.write(contents);
    return true;
  }

  /** The vault's contents, or null when there is no vault yet. */
  private async read(): Promise<VaultContents | null> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new UserError(
        `cannot read the key vault ${this.path} (${(error as NodeJS.ErrnoException).code}): fix its permissions`,
      );
    }
    let file: VaultFile;
    try {
      file = parseVault(text);
    } catch (error) {
      if (!(error instanceof VaultDamagedError)) throw error;
      throw new UserError(
        `the key vault ${this.path} is damaged (${error.message}): restore it from a backup, or move it away ` +
          `and add the keys again`,
      );
    }
    let plaintext: string | undefined;
    for (let attempt = 1; plaintext === undefined; attempt++) {
      const retry = attempt > 1 ? `Wrong passphrase (try ${attempt} of ${PASSPHRASE_TRIES}).` : undefined;
      const key = await this.keyFor(file, false, retry);
      try {
        plaintext = decrypt(file, key);
      } catch (error) {
        if (!(error instanceof VaultLockedError)) throw error;
        this.unlocked = undefined;
        if (key === NO_OTHER_PASSPHRASE || attempt >= PASSPHRASE_TRIES) {
          throw new UserError(
            `cannot open the key vault ${this.path}: ${error.message} (check TFMFA_FILE_PASSPHRASE or the ` +
              `passphrase you typed)`,
          );
        }
      }
    }
    const contents = JSON.parse(plaintext) as VaultContents;
    contents.profiles = Object.assign(Object.create(null) as Record<string, LongTermKeys>, contents.profiles);
    return contents;
  }

  private async write(contents: VaultContents): Promise<void> {
    if (!this.unlocked) {
      const header = newHeader();
      const passphrase = await this.passphrase(true);
      if (passphrase === null)
        throw new UserError(
          `no passphrase for the new key vault ${this.path}: set TFMFA_FILE_PASSPHRASE or run tfmfa from a terminal`,
          2,
        );
      this.unlocked = { header, key: await deriveKey(passphrase, header) };
    }
    ensureKeystoreDir(this.dir);
    const file = encrypt(this.unlocked.header, this.unlocked.key, JSON.stringify({ profiles: contents.profiles }));
    writeUserFileAtomic(this.path, `${JSON.stringify(file)}\n`);
  }

  private async keyFor(header: VaultHeader, creating: boolean, retry?: string): Promise<Buffer> {
    if (
      this.unlocked &&
      this.unlocked.header.kdf.salt === header.kdf.salt &&
      sameParameters(this.unlocked.header, header)
    )
      return this.unlocked.key;
    const { format, version, kdf, cipher } = header;
    const own: VaultHeader = { format, version, kdf: { ...kdf }, cipher };
    const passphrase = await this.passphrase(creating, retry);
    if (passphrase === null) return NO_OTHER_PASSPHRASE;
    const key = await deriveKey(passphrase, own);
    this.unlocked = { header: own, key };
    return key;
  }
}

/** Stands for "no passphrase left to try": decrypting with it fails as a wrong passphrase does. */
const NO_OTHER_PASSPHRASE = Buffer.alloc(32);

function sameParameters(a: VaultHeader, b: VaultHeader): boolean {
  return a.kdf.N === b.kdf.N && a.kdf.r === b.kdf.r && a.kdf.p === b.kdf.p;
}
