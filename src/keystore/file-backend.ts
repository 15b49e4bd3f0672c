import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic-write.ts';
import { ensureKeystoreDir } from './keystore-dir.ts';
import { vaultPath } from './settings.ts';
import type { KeyBackend, LongTermKeys } from './types.ts';
import { decrypt, deriveKey, encrypt, newHeader, parseVault, VaultDamagedError, VaultLockedError, type VaultFile, type VaultHeader } from './vault-crypto.ts';

/** Asks for the vault's passphrase; `creating` when there is no vault yet (ask twice). */
export type PassphraseSource = (creating: boolean) => Promise<string>;

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
      throw new UserError(`cannot read the key vault ${this.path} (${(error as NodeJS.ErrnoException).code}): fix its permissions`);
    }
    let file: VaultFile;
    try {
      file = parseVault(text);
    } catch (error) {
      if (!(error instanceof VaultDamagedError)) throw error;
      throw new UserError(`the key vault ${this.path} is damaged (${error.message}): restore it from a backup, or move it away and add the keys again`);
    }
    const key = await this.keyFor(file, false);
    let plaintext: string;
    try {
      plaintext = decrypt(file, key);
    } catch (error) {
      if (!(error instanceof VaultLockedError)) throw error;
      this.unlocked = undefined;
      throw new UserError(`cannot open the key vault ${this.path}: ${error.message} (check TFMFA_FILE_PASSPHRASE or the passphrase you typed)`);
    }
    const contents = JSON.parse(plaintext) as VaultContents;
    contents.profiles = Object.assign(Object.create(null) as Record<string, LongTermKeys>, contents.profiles);
    return contents;
  }

  private async write(contents: VaultContents): Promise<void> {
    if (!this.unlocked) {
      const header = newHeader();
      this.unlocked = { header, key: await deriveKey(await this.passphrase(true), header) };
    }
    ensureKeystoreDir(this.dir);
    const file = encrypt(this.unlocked.header, this.unlocked.key, JSON.stringify({ profiles: contents.profiles }));
    writeFileAtomic(this.path, `${JSON.stringify(file)}\n`);
  }

  private async keyFor(header: VaultHeader, creating: boolean): Promise<Buffer> {
    if (this.unlocked && this.unlocked.header.kdf.salt === header.kdf.salt && sameParameters(this.unlocked.header, header)) return this.unlocked.key;
    const { format, version, kdf, cipher } = header;
    const own: VaultHeader = { format, version, kdf: { ...kdf }, cipher };
    const key = await deriveKey(await this.passphrase(creating), own);
    this.unlocked = { header: own, key };
    return key;
  }
}

function sameParameters(a: VaultHeader, b: VaultHeader): boolean {
  return a.kdf.N === b.kdf.N && a.kdf.r === b.kdf.r && a.kdf.p === b.kdf.p;
}
