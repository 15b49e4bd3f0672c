import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

/** 32 random bytes: 256 bits, sent by the SDKs as the `Authorization` header. */
const TOKEN_BYTES = 32;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * True when `given` is the token. Both sides are hashed first, so that `timingSafeEqual` always compares two
 * buffers of the same length and neither the content nor the length of the token leaks through timing.
 */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(given, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** A peer on this machine's loopback interface (IPv4 127.0.0.0/8, possibly IPv4-mapped, or ::1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1';
}

/** What the server knows about a request, and what it expects. */
export interface RequestFacts {
  remoteAddress: string | undefined;
  host: string | undefined;
  authorization: string | undefined;
  method: string | undefined;
  url: string | undefined;
}

export interface Expected {
  port: number;
  path: string;
  token: string;
}

export type Verdict = { ok: true } | { ok: false; status: number; reason: string };

/**
 * The checks every request passes, in this order: a loopback peer; a Host header naming exactly the address
 * the server listens on (a page in a browser that rebinds a DNS name to 127.0.0.1 sends its own name);
 * the token; then only GET on the one path. Reasons never repeat what the client sent.
 */
export function checkRequest(request: RequestFacts, expected: Expected): Verdict {
  if (!isLoopbackAddress(request.remoteAddress))
    return { ok: false, status: 403, reason: 'only loopback clients are served' };
  if (request.host !== `127.0.0.1:${expected.port}`)
    return { ok: false, status: 403, reason: 'unexpected Host header' };
  if (request.authorization === undefined || request.authorization === '') {
    return { ok: false, status: 401, reason: 'missing authorization token (AWS_CONTAINER_AUTHORIZATION_TOKEN)' };
  }
  if (!tokenMatches(expected.token, request.authorization))
    return { ok: false, status: 403, reason: 'wrong authorization token' };
  if (request.url !== expected.path) return { ok: false, status: 404, reason: 'not found' };
  if (request.method !== 'GET') return { ok: false, status: 405, reason: 'only GET is allowed' };
  return { ok: true };
}
