import { lstatSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeyringItem, type ItemContent } from './items.ts';
import { decryptAwsVaultJwe, JweFormatError, JweIntegrityError, JwePassphraseError } from './jwe.ts';
import type { AwsVaultStore } from './store.ts';

/** A key file larger than this is not aws-vault's (its items are a few hundred bytes). */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * aws-vault's encrypted file backend (keyring library, file.go): one compact JWE per key in the directory, the
 * file name being the key with '/' and '%' percent-encoded, the payload a keyring item. The passphrase is asked
 * for (once) only when a profile is actually read.
 */
export class FileStore implements AwsVaultStore {
  readonly name = 'file';
  readonly where: string;
  private readonly dir: string;
  private readonly passphrase: () => Promise<string>;
  private files = new Map<string, string>();

  constructor(dir: string, passphrase: () => Promise<string>) {
    this.dir = dir;
    this.where = `the encrypted files in ${dir}`;
    let asked: Promise<string> | undefined;
    this.passphrase = () => (asked ??= passphrase());
  }

  async keys(): Promise<string[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const keys: string[] = [];
    for (const name of names.sort()) {
      if (name.startsWith('.') || !lstatSync(join(this.dir, name)).isFile()) continue;
      const key = decodeFileName(name);
      this.files.set(key, join(this.dir, name));
      keys.push(key);
    }
    return keys;
  }

  private pathOf(key: string): string {
    const path = this.files.get(key);
    if (!path) throw new Error(`no file for '${key}' in ${this.dir}`);
    return path;
  }

  async read(key: string): Promise<ItemContent> {
    const path = this.pathOf(key);
    const bytes = readFileSync(path);
    if (bytes.length > MAX_FILE_BYTES)
      throw new Error(`${path} is ${bytes.length} bytes, too large for an aws-vault item`);
    let payload: Buffer;
    try {
      payload = await decryptAwsVaultJwe(bytes.toString('latin1'), await this.passphrase());
    } catch (error) {
      if (error instanceof JwePassphraseError)
        throw new Error(`${path}: ${error.message}: check AWS_VAULT_FILE_PASSPHRASE (or what you typed)`);
      if (error instanceof JweFormatError || error instanceof JweIntegrityError)
        throw new Error(`${path} is not an intact aws-vault item: ${error.message}`);
      throw error;
    }
    try {
      return parseKeyringItem(payload.toString('utf8'), key, `aws-vault item '${key}'`);
    } finally {
      payload.fill(0);
    }
  }

  async remove(key: string): Promise<void> {
    unlinkSync(this.pathOf(key));
  }

  close(): void {}
}

/**
 * The key a file name stands for: the keyring library percent-encodes '/' and '%' (%2F, %25; later versions
 * also other characters a file system may refuse), always '%' itself, so every %XX is one escaped ASCII byte.
 */
export function decodeFileName(name: string): string {
  return name.replace(/%([0-7][0-9A-Fa-f])/g, (_match, code: string) => String.fromCharCode(Number.parseInt(code, 16)));
}
