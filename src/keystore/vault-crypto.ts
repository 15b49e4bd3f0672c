import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

/**
 * The encrypted vault's format: AES-256-GCM under a key derived from the passphrase with scrypt. The header
 * (format, KDF parameters, salt) is authenticated as additional data, so changing any byte of the file,
 * including the parameters, fails to open like a wrong passphrase does.
 */
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** scrypt needs 128·N·r bytes (128 MiB at N=2^17); Node's default ceiling is 32 MiB. */
const MAX_MEMORY = 256 * 1024 * 1024;

export interface VaultHeader {
  format: 'tfmfa-vault';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
}

export interface VaultFile extends VaultHeader {
  iv: string;
  tag: string;
  data: string;
}

export class VaultDamagedError extends Error {}
export class VaultLockedError extends Error {}

export function newHeader(): VaultHeader {
  return {
    format: 'tfmfa-vault',
    version: 1,
    kdf: { name: 'scrypt', ...SCRYPT, salt: randomBytes(16).toString('base64') },
    cipher: 'aes-256-gcm',
  };
}

export function deriveKey(passphrase: string, header: VaultHeader): Promise<Buffer> {
  const { N, r, p, salt } = header.kdf;
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase.normalize('NFC'),
      Buffer.from(salt, 'base64'),
      KEY_BYTES,
      { N, r, p, maxmem: MAX_MEMORY },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

function additionalData(header: VaultHeader): Buffer {
  const { format, version, kdf, cipher } = header;
  return Buffer.from(
    JSON.stringify({ format, version, kdf: { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt }, cipher }),
  );
}

export function encrypt(header: VaultHeader, key: Buffer, plaintext: string): VaultFile {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(header));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    ...header,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

export function decrypt(file: VaultFile, key: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(file.iv, 'base64'));
  decipher.setAAD(additionalData(file));
  decipher.setAuthTag(Buffer.from(file.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(file.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultLockedError('wrong passphrase, or the file was altered');
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses the file's text; anything that is not a complete vault is VaultDamagedError. */
export function parseVault(text: string): VaultFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VaultDamagedError('truncated or not a tfmfa vault');
  }
  const v = value as Partial<VaultFile> | null;
  const kdf = v?.kdf;
  const good =
    v !== null &&
    typeof v === 'object' &&
    v.format === 'tfmfa-vault' &&
    v.version === 1 &&
    v.cipher === 'aes-256-gcm' &&
    kdf?.name === 'scrypt' &&
    [kdf.N, kdf.r, kdf.p].every((n) => Number.isInteger(n) && (n as number) > 0) &&
    (kdf.N as number) <= 2 ** 20 &&
    (kdf.r as number) <= 32 &&
    (kdf.p as number) <= 16 &&
    [kdf.salt, v.iv, v.tag, v.data].every((s) => typeof s === 'string' && BASE64.test(s)) &&
    Buffer.from(v.iv as string, 'base64').length === IV_BYTES &&
    Buffer.from(v.tag as string, 'base64').length === 16;
  if (!good) throw new VaultDamagedError('truncated or not a tfmfa vault');
  return v as VaultFile;
}
