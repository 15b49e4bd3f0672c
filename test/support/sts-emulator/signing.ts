// SigV4 verification of every request: the Authorization header is parsed, the caller's key looked up, the
// timestamp checked against the server clock (5 minutes either way), and the signature recomputed with the
// AWS SDK's own signer. Test fixture only.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { EmulatorClock } from './clock.ts';
import type { CredentialRecord, CredentialStore } from './credentials.ts';
import { headerValue, StsError } from './protocol.ts';

const MAX_SIGNATURE_SKEW_MS = 5 * 60 * 1000;
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

// ---------------------------------------------------------------------------
// SHA-256 / HMAC-SHA-256 for the SigV4 signer (same contract as @smithy/hash-node)

type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: SourceData, encoding?: BufferEncoding): Buffer {
  if (typeof data === 'string') return Buffer.from(data, encoding ?? 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 (or HMAC-SHA-256 when given a secret) with the hash contract the SigV4 signer expects. */
export class NodeSha256 {
  private readonly hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: SourceData, encoding?: 'utf8' | 'ascii' | 'latin1'): void {
    this.hash.update(toBuffer(data, encoding));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** Constant-time string comparison (signatures, session tokens, MFA codes). */
export function sameString(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

// ---------------------------------------------------------------------------
// Dates and the Authorization header

/** 20260102T030405Z */
function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? null : ms;
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** The access key id named by an Authorization header, without checking anything else (for the call log). */
export function accessKeyIdFromAuthorization(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  return /Credential=([^/,\s]+)\//.exec(authorization)?.[1] ?? null;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const incomplete = (what: string): StsError =>
    new StsError(
      400,
      'IncompleteSignature',
      `Authorization header requires '${what}' parameter. Authorization=${header.split(' ')[0] ?? ''}`,
    );
  const m = /^(\S+)\s+(.*)$/s.exec(header.trim());
  if (!m || m[1] !== 'AWS4-HMAC-SHA256') {
    throw new StsError(400, 'IncompleteSignature', `Unsupported AWS 'algorithm': '${m?.[1] ?? header}'`);
  }
  const fields = new Map<string, string>();
  for (const part of m[2]!.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined) throw incomplete('Credential');
  if (signedHeaders === undefined) throw incomplete('SignedHeaders');
  if (signature === undefined) throw incomplete('Signature');
  const scope = credential.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1]!)) {
    throw new StsError(
      400,
      'IncompleteSignature',
      `Credential is malformed: expected AKID/YYYYMMDD/region/service/aws4_request`,
    );
  }
  return {
    accessKeyId: scope[0]!,
    date: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: signedHeaders
      .split(';')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
    signature: signature.toLowerCase(),
  };
}

// ---------------------------------------------------------------------------

export interface AuthenticationContext {
  credentials: CredentialStore;
  /** The signing service the request must be scoped to ('sts' for STS actions). */
  service: string;
  /** Server clock: what the request's timestamp is checked against; emulator clock: what credentials expire by. */
  clock: EmulatorClock;
}

/** The caller's credentials when the request is signed by a known, unrevoked, unexpired key; StsError otherwise. */
export async function authenticate(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  ctx: AuthenticationContext,
): Promise<CredentialRecord> {
  const authorization = headerValue(req, 'authorization');
  if (authorization === undefined) {
    if (url.searchParams.has('X-Amz-Signature')) {
      throw new StsError(
        400,
        'IncompleteSignature',
        'Presigned (query string) authentication is not supported by this emulator.',
      );
    }
    throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const auth = parseAuthorization(authorization);
  const cred = ctx.credentials.get(auth.accessKeyId);
  if (!cred || cred.revoked) throw new StsError(403, 'InvalidClientTokenId', INVALID_TOKEN);

  const token = headerValue(req, 'x-amz-security-token');
  if (cred.sessionToken === null ? token !== undefined : token === undefined || !sameString(token, cred.sessionToken)) {
    throw new StsError(403, 'InvalidClientTokenId', INVALID_TOKEN);
  }

  const dateHeader = headerValue(req, 'x-amz-date');
  if (dateHeader === undefined) {
    throw new StsError(
      400,
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signedAt = parseAmzDate(dateHeader);
  if (signedAt === null) throw new StsError(400, 'IncompleteSignature', `Invalid X-Amz-Date: ${dateHeader}`);
  const serverNow = ctx.clock.serverNowMs();
  if (signedAt < serverNow - MAX_SIGNATURE_SKEW_MS) {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Signature expired: ${dateHeader} is now earlier than ${amzDate(serverNow - MAX_SIGNATURE_SKEW_MS)} ` +
        `(${amzDate(serverNow)} - 5 min.)`,
    );
  }
  if (signedAt > serverNow + MAX_SIGNATURE_SKEW_MS) {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Signature not yet current: ${dateHeader} is still later ` +
        `than ${amzDate(serverNow + MAX_SIGNATURE_SKEW_MS)} (${amzDate(serverNow)} + 5 min.)`,
    );
  }
  if (auth.date !== dateHeader.slice(0, 8)) {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ` +
        `'${auth.date}' != '${dateHeader.slice(0, 8)}', from 'x-amz-date'.`,
    );
  }
  if (auth.service !== ctx.service) {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${ctx.service}'. `,
    );
  }

  const declaredPayloadHash = headerValue(req, 'x-amz-content-sha256');
  if (declaredPayloadHash !== undefined && declaredPayloadHash !== createHash('sha256').update(body).digest('hex')) {
    throw new StsError(
      400,
      'XAmzContentSHA256Mismatch',
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(req, name);
    if (value === undefined) throw new StsError(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
    headers[name] = value;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    service: auth.service,
    region: auth.region,
    credentials: { accessKeyId: cred.accessKeyId, secretAccessKey: cred.secretAccessKey },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: (headerValue(req, 'host') ?? '').replace(/:\d+$/, ''),
      path: url.pathname,
      query,
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
    },
    {
      signingDate: new Date(signedAt),
      signingRegion: auth.region,
      signingService: auth.service,
      signableHeaders: new Set(auth.signedHeaders),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  if (!sameString(expected, auth.signature)) throw new StsError(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);

  if (cred.expiresAt !== null && ctx.clock.nowMs() >= cred.expiresAt) {
    throw new StsError(403, 'ExpiredToken', EXPIRED_TOKEN);
  }
  return cred;
}
