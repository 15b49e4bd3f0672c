import { createDecipheriv, pbkdf2 } from 'node:crypto';

/**
 * Decrypts the one kind of compact JWE aws-vault's file backend writes (its keyring library, through jose2go):
 * `PBES2-HS256+A128KW` key management with `A256GCM` content encryption (RFC 7516, RFC 7518 §4.8 and §5.3).
 * Every step is checked and anything else is refused: another alg or enc, compression, critical extensions,
 * a PBKDF2 count outside [P2C_MIN, P2C_MAX], a salt, wrapped key, IV or tag of the wrong length, a key that
 * does not unwrap (wrong passphrase), a tag that does not verify (tampered or damaged).
 */
export const JWE_ALG = 'PBES2-HS256+A128KW';
export const JWE_ENC = 'A256GCM';
/** RFC 7518 asks for at least 1000; jose2go writes 8192. The ceiling bounds the work a hostile file can ask for. */
export const P2C_MIN = 1000;
export const P2C_MAX = 1_000_000;
const KEK_BYTES = 16;
const CEK_BYTES = 32;
const WRAPPED_BYTES = CEK_BYTES + 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const RFC3394_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The file is not a JWE tfmfa can open; `reason` says why in a few words. */
export class JweFormatError extends Error {}
/** The passphrase does not unwrap the content key. */
export class JwePassphraseError extends Error {}
/** The content does not authenticate: changed or damaged after it was written. */
export class JweIntegrityError extends Error {}

function part(text: string, what: string, bytes?: number): Buffer {
  if (!BASE64URL.test(text)) throw new JweFormatError(`its ${what} is not base64url`);
  const decoded = Buffer.from(text, 'base64url');
  if (bytes !== undefined && decoded.length !== bytes)
    throw new JweFormatError(`its ${what} is ${decoded.length} bytes, not ${bytes}`);
  return decoded;
}

interface ProtectedHeader {
  p2s: Buffer;
  p2c: number;
}

function parseHeader(encoded: string): ProtectedHeader {
  let header: unknown;
  try {
    header = JSON.parse(part(encoded, 'header').toString('utf8'));
  } catch (error) {
    if (error instanceof JweFormatError) throw error;
    throw new JweFormatError('its header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new JweFormatError('its header is not a JSON object');
  const fields = header as Record<string, unknown>;
  if (fields.alg !== JWE_ALG) throw new JweFormatError(`its alg is ${JSON.stringify(fields.alg)}, not ${JWE_ALG}`);
  if (fields.enc !== JWE_ENC) throw new JweFormatError(`its enc is ${JSON.stringify(fields.enc)}, not ${JWE_ENC}`);
  if ('zip' in fields) throw new JweFormatError('it is compressed (zip), which aws-vault never writes');
  if ('crit' in fields) throw new JweFormatError('it has critical extensions (crit)');
  const p2c = fields.p2c;
  if (typeof p2c !== 'number' || !Number.isInteger(p2c) || p2c < P2C_MIN || p2c > P2C_MAX) {
    throw new JweFormatError(
      `its PBKDF2 count p2c is ${JSON.stringify(p2c)}, not an integer from ${P2C_MIN} to ${P2C_MAX}`,
    );
  }
  if (typeof fields.p2s !== 'string') throw new JweFormatError('it has no salt (p2s)');
  const p2s = part(fields.p2s, 'salt (p2s)');
  if (p2s.length < 8) throw new JweFormatError(`its salt (p2s) is ${p2s.length} bytes, fewer than 8`);
  return { p2s, p2c };
}

function deriveKek(passphrase: string, header: ProtectedHeader): Promise<Buffer> {
  // RFC 7518 §4.8.1.1: the salt is the alg's name, a zero byte, then p2s.
  const salt = Buffer.concat([Buffer.from(JWE_ALG, 'utf8'), Buffer.alloc(1), header.p2s]);
  return new Promise((resolve, reject) => {
    pbkdf2(Buffer.from(passphrase, 'utf8'), salt, header.p2c, KEK_BYTES, 'sha256', (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** RFC 3394 AES key unwrap; its integrity check fails when the KEK (so the passphrase) is wrong. */
function unwrapKey(kek: Buffer, wrapped: Buffer): Buffer {
  try {
    const unwrap = createDecipheriv('id-aes128-wrap', kek, RFC3394_IV);
    const cek = Buffer.concat([unwrap.update(wrapped), unwrap.final()]);
    if (cek.length !== CEK_BYTES) throw new Error('length');
    return cek;
  } catch {
    throw new JwePassphraseError('the passphrase does not open it (wrong passphrase?)');
  }
}

/** The plaintext of a compact JWE aws-vault wrote with `passphrase`. */
export async function decryptAwsVaultJwe(compact: string, passphrase: string): Promise<Buffer> {
  const parts = compact.trim().split('.');
  if (parts.length !== 5)
    throw new JweFormatError(`it has ${parts.length} parts, not the 5 of a compact JWE (truncated?)`);
  const [headerPart, keyPart, ivPart, dataPart, tagPart] = parts as [string, string, string, string, string];
  const header = parseHeader(headerPart);
  const wrapped = part(keyPart, 'encrypted key', WRAPPED_BYTES);
  const iv = part(ivPart, 'IV', IV_BYTES);
  const data = part(dataPart, 'ciphertext');
  const tag = part(tagPart, 'tag', TAG_BYTES);
  const cek = unwrapKey(await deriveKek(passphrase, header), wrapped);
  try {
    const decipher = createDecipheriv('aes-256-gcm', cek, iv, { authTagLength: TAG_BYTES });
    // RFC 7516 §5.2: the additional data is the ASCII of the encoded protected header, exactly as written.
    decipher.setAAD(Buffer.from(headerPart, 'ascii'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new JweIntegrityError('its content does not authenticate (changed or damaged after aws-vault wrote it)');
  } finally {
    cek.fill(0);
  }
}
