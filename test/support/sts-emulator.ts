// A local AWS STS emulator for tests: real HTTP on 127.0.0.1, AWS Query protocol,
// SigV4 verification of every request, MFA (TOTP) devices, roles, an emulator clock,
// call counting and fault injection. Test fixture only, never product code.
// It never logs anything (in particular no secrets).

import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { HOTP, Secret } from 'otpauth';
import { credentialsXml, el, errorXml, successXml } from './sts-xml.ts';
import { IAM_VERSION, IamActions, IamFault, isIamAction } from './iam-actions.ts';

// ---------------------------------------------------------------------------
// Public types

export interface IssuedUser {
  userName: string;
  accountId: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface EmulatorCall {
  action: string;
  accessKeyId: string | null;
  principal: string | null;
  ok: boolean;
  errorCode?: string;
  params: Record<string, string>;
}

export type FaultSpec =
  | { action?: string; times: number; kind: 'status'; status: number; code: string; message?: string }
  | { action?: string; times: number; kind: 'hang' }
  | { action?: string; times: number; kind: 'close' };

// ---------------------------------------------------------------------------
// Internal state

type CredentialKind = 'user' | 'session' | 'role' | 'federated';

interface CredentialRecord {
  kind: CredentialKind;
  accessKeyId: string;
  secretAccessKey: string;
  /** null for long-term user keys */
  sessionToken: string | null;
  principalArn: string;
  userId: string;
  accountId: string;
  mfaAuthenticated: boolean;
  /** epoch ms on the emulator clock; null for long-term keys */
  expiresAt: number | null;
  revoked: boolean;
}

interface RoleRecord {
  arn: string;
  accountId: string;
  roleName: string;
  roleId: string;
  maxSessionDuration: number;
  requireMfa: boolean;
  externalId: string | undefined;
}

interface MfaDevice {
  serial: string;
  secretBase32: string;
  secret: Secret;
  lastUsedStep: number | null;
}

interface PendingFault {
  spec: FaultSpec;
  remaining: number;
}

class StsError extends Error {
  readonly status: number;
  readonly code: string;
  readonly type: 'Sender' | 'Receiver';
  constructor(status: number, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender') {
    super(message);
    this.status = status;
    this.code = code;
    this.type = type;
  }
}

const STS_VERSION = '2011-06-15';
const TOTP_PERIOD_SECONDS = 30;
const MAX_SIGNATURE_SKEW_MS = 5 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;
const MFA_FAILED = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const CHAINING_LIMIT = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';

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

// ---------------------------------------------------------------------------
// Small helpers

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (let i = 0; i < length; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

function randomSecretKey(): string {
  return randomBytes(30).toString('base64'); // 40 chars
}

function randomSessionToken(): string {
  return 'FwoGZXIvYXdzE' + randomBytes(270).toString('base64');
}

/** 20260102T030405Z */
function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(ms) ? null : ms;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function sameString(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function parseRoleArn(arn: string): { accountId: string; roleName: string } | null {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[^\s]*\/)?([\w+=,.@-]{1,64})$/.exec(arn);
  return m ? { accountId: m[1]!, roleName: m[2]! } : null;
}

// Parameter validation in the style of STS ("1 validation error detected: …")

interface ParamRule {
  param: string;
  member: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: { re: RegExp; text: string };
  min?: number;
  max?: number;
  numeric?: boolean;
}

function validateParams(params: URLSearchParams, rules: ParamRule[]): void {
  const problems: string[] = [];
  for (const r of rules) {
    const v = params.get(r.param);
    if (v === null) {
      if (r.required) problems.push(`Value null at '${r.member}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    const prefix = `Value '${v}' at '${r.member}' failed to satisfy constraint: Member must`;
    if (r.numeric) {
      if (!/^-?\d+$/.test(v)) {
        problems.push(`${prefix} be a number`);
        continue;
      }
      const n = Number(v);
      if (r.min !== undefined && n < r.min) problems.push(`${prefix} have value greater than or equal to ${r.min}`);
      if (r.max !== undefined && n > r.max) problems.push(`${prefix} have value less than or equal to ${r.max}`);
      continue;
    }
    if (r.minLength !== undefined && v.length < r.minLength)
      problems.push(`${prefix} have length greater than or equal to ${r.minLength}`);
    if (r.maxLength !== undefined && v.length > r.maxLength)
      problems.push(`${prefix} have length less than or equal to ${r.maxLength}`);
    if (r.pattern && !r.pattern.re.test(v)) problems.push(`${prefix} satisfy regular expression pattern: ${r.pattern.text}`);
  }
  if (problems.length > 0) {
    const n = problems.length;
    throw new StsError(400, 'ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }
}

const SERIAL_RULE: ParamRule = {
  param: 'SerialNumber',
  member: 'serialNumber',
  minLength: 9,
  maxLength: 256,
  pattern: { re: /^[\w+=/:,.@-]*$/, text: '[\\w+=/:,.@-]*' },
};
const TOKEN_CODE_RULE: ParamRule = {
  param: 'TokenCode',
  member: 'tokenCode',
  minLength: 6,
  maxLength: 6,
  pattern: { re: /^\d*$/, text: '[\\d]*' },
};

function durationRule(min: number, max: number): ParamRule {
  return { param: 'DurationSeconds', member: 'durationSeconds', numeric: true, min, max };
}

// ---------------------------------------------------------------------------

export class StsEmulator {
  readonly url: string;

  private readonly server: Server;
  private readonly credentials = new Map<string, CredentialRecord>();
  /** IAM actions (test/support/iam-actions.ts) on this emulator's users. */
  readonly iam = new IamActions(this.credentials);
  private readonly roles = new Map<string, RoleRecord>();
  private readonly devices = new Map<string, MfaDevice>();
  private readonly signinTokens = new Map<string, string>();
  private readonly callLog: EmulatorCall[] = [];
  private readonly faults: PendingFault[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();
  private clockOffsetMs = 0;
  private skewMs = 0;
  private stopped = false;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(opts: { host?: string } = {}): Promise<StsEmulator> {
    const host = opts.host ?? '127.0.0.1';
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const emu = new StsEmulator(server, `http://${urlHost}:${port}`);
    server.on('connection', (socket) => {
      emu.sockets.add(socket);
      socket.on('close', () => emu.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      emu.handle(req, res).catch(() => {
        if (!res.headersSent) {
          res.statusCode = 500;
          res.end();
        } else {
          res.destroy();
        }
      });
    });
    return emu;
  }

  // ----- set-up --------------------------------------------------------------

  addUser(o: { userName: string; accountId: string; accessKeyId?: string; secretAccessKey?: string }): IssuedUser {
    if (!/^\d{12}$/.test(o.accountId)) throw new Error(`accountId must be 12 digits, got ${o.accountId}`);
    const accessKeyId = o.accessKeyId ?? randomId('AKIA', 16);
    if (this.credentials.has(accessKeyId)) throw new Error(`access key ${accessKeyId} already exists`);
    const secretAccessKey = o.secretAccessKey ?? randomSecretKey();
    const arn = `arn:aws:iam::${o.accountId}:user/${o.userName}`;
    this.credentials.set(accessKeyId, {
      kind: 'user',
      accessKeyId,
      secretAccessKey,
      sessionToken: null,
      principalArn: arn,
      userId: randomId('AIDA', 17),
      accountId: o.accountId,
      mfaAuthenticated: false,
      expiresAt: null,
      revoked: false,
    });
    return { userName: o.userName, accountId: o.accountId, arn, accessKeyId, secretAccessKey };
  }

  addMfaDevice(o: { serial: string; secret?: string }): { serial: string; secret: string } {
    const secret = o.secret === undefined ? new Secret({ size: 20 }) : Secret.fromBase32(o.secret);
    const secretBase32 = o.secret ?? secret.base32;
    this.devices.set(o.serial, { serial: o.serial, secretBase32, secret, lastUsedStep: null });
    return { serial: o.serial, secret: secretBase32 };
  }

  addRole(o: { arn: string; maxSessionDuration?: number; requireMfa?: boolean; externalId?: string }): void {
    const parsed = parseRoleArn(o.arn);
    if (!parsed) throw new Error(`not a role ARN: ${o.arn}`);
    const max = o.maxSessionDuration ?? 3600;
    if (!Number.isInteger(max) || max < 3600 || max > 43200) {
      throw new Error(`maxSessionDuration must be an integer in 3600..43200, got ${max}`);
    }
    this.roles.set(o.arn, {
      arn: o.arn,
      accountId: parsed.accountId,
      roleName: parsed.roleName,
      roleId: randomId('AROA', 17),
      maxSessionDuration: max,
      requireMfa: o.requireMfa ?? false,
      externalId: o.externalId,
    });
  }

  // ----- clocks and MFA ---------------------------------------------------------

  now(): Date {
    return new Date(this.nowMs());
  }

  advance(seconds: number): void {
    this.clockOffsetMs += seconds * 1000;
  }

  setSkew(seconds: number): void {
    this.skewMs = seconds * 1000;
  }

  currentCode(serial: string, offsetSteps = 0): string {
    const device = this.devices.get(serial);
    if (!device) throw new Error(`unknown MFA device ${serial}`);
    return HOTP.generate({ secret: device.secret, algorithm: 'SHA1', digits: 6, counter: this.currentStep() + offsetSteps });
  }

  // ----- credentials -------------------------------------------------------------

  revoke(accessKeyId: string): void {
    const cred = this.credentials.get(accessKeyId);
    if (cred) cred.revoked = true;
  }

  /** Principal ARN behind a sign-in token issued by the federation endpoint, if any. */
  signinTokenPrincipal(token: string): string | undefined {
    return this.signinTokens.get(token);
  }

  // ----- counting --------------------------------------------------------------------

  count(action?: string, callerAccessKeyId?: string): number {
    let n = 0;
    for (const c of this.callLog) {
      if (action !== undefined && c.action !== action) continue;
      if (callerAccessKeyId !== undefined && c.accessKeyId !== callerAccessKeyId) continue;
      n++;
    }
    return n;
  }

  calls(): ReadonlyArray<EmulatorCall> {
    return this.callLog.map((c) => ({ ...c, params: { ...c.params } }));
  }

  resetCounts(): void {
    this.callLog.length = 0;
  }

  injectFault(f: FaultSpec): void {
    if (!Number.isInteger(f.times) || f.times < 1) throw new Error('fault times must be a positive integer');
    this.faults.push({ spec: f, remaining: f.times });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.iam.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  // =====================================================================================
  // HTTP

  private nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  private currentStep(): number {
    return Math.floor(this.nowMs() / 1000 / TOTP_PERIOD_SECONDS);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    if (url.pathname.startsWith('/__emulator/')) {
      this.handleControl(url, res);
      return;
    }
    const body = await readBody(req);
    if (body === null) {
      res.statusCode = 413;
      res.end();
      return;
    }
    if (url.pathname === '/federation') {
      this.handleFederation(req, url, body, res);
      return;
    }
    if (url.pathname !== '/' || (req.method !== 'POST' && req.method !== 'GET')) {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain');
      res.end('Not Found\n');
      return;
    }
    const params = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
    const action = params.get('Action') ?? '';
    const record: EmulatorCall = { action, accessKeyId: null, principal: null, ok: false, params: redactParams(params) };
    this.callLog.push(record);

    const fault = this.takeFault(action);
    if (fault) {
      this.applyFault(fault, record, req, res);
      return;
    }

    const requestId = randomUUID();
    try {
      record.accessKeyId = accessKeyIdFromAuthorization(headerValue(req, 'authorization'));
      const iam = isIamAction(action);
      const caller = await this.authenticate(req, url, body, iam ? 'iam' : 'sts');
      record.principal = caller.principalArn;
      if (params.get('Version') !== (iam ? IAM_VERSION : STS_VERSION)) {
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      }
      const resultXml = this.dispatch(action, params, caller);
      record.ok = true;
      this.sendXml(res, 200, successXml(action, resultXml, requestId), requestId);
    } catch (err) {
      if (!(err instanceof StsError)) throw err;
      record.errorCode = err.code;
      this.sendXml(res, err.status, errorXml(err.type, err.code, err.message, requestId), requestId);
    }
  }

  private sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
    res.statusCode = status;
    res.setHeader('x-amzn-RequestId', requestId);
    res.setHeader('content-type', 'text/xml');
    res.setHeader('content-length', Buffer.byteLength(xml));
    // The server's idea of "now": real time shifted by the configured skew (the SDK uses it to correct its clock).
    res.setHeader('date', new Date(Date.now() + this.skewMs).toUTCString());
    res.end(xml);
  }

  private takeFault(action: string): FaultSpec | null {
    const i = this.faults.findIndex((f) => f.spec.action === undefined || f.spec.action === action);
    if (i < 0) return null;
    const f = this.faults[i]!;
    f.remaining--;
    if (f.remaining <= 0) this.faults.splice(i, 1);
    return f.spec;
  }

  private applyFault(fault: FaultSpec, record: EmulatorCall, req: IncomingMessage, res: ServerResponse): void {
    record.accessKeyId = accessKeyIdFromAuthorization(headerValue(req, 'authorization'));
    if (record.accessKeyId !== null) record.principal = this.credentials.get(record.accessKeyId)?.principalArn ?? null;
    if (fault.kind === 'status') {
      record.errorCode = fault.code;
      const requestId = randomUUID();
      const type = fault.status >= 500 ? 'Receiver' : 'Sender';
      const message = fault.message ?? (fault.status >= 500 ? 'An internal error occurred.' : 'Rate exceeded');
      this.sendXml(res, fault.status, errorXml(type, fault.code, message, requestId), requestId);
    } else if (fault.kind === 'hang') {
      record.errorCode = 'Fault:hang';
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
    } else {
      record.errorCode = 'Fault:close';
      req.socket.destroy();
    }
  }

  private handleControl(url: URL, res: ServerResponse): void {
    if (url.pathname === '/__emulator/code') {
      const serial = url.searchParams.get('serial') ?? '';
      if (!this.devices.has(serial)) {
        res.statusCode = 404;
        res.setHeader('content-type', 'text/plain');
        res.end('unknown MFA device\n');
        return;
      }
      res.setHeader('content-type', 'text/plain');
      res.end(this.currentCode(serial));
      return;
    }
    if (url.pathname === '/__emulator/counts') {
      const counts: Record<string, number> = {};
      for (const c of this.callLog) counts[c.action] = (counts[c.action] ?? 0) + 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(counts));
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  // ----- SigV4 -------------------------------------------------------------------

  private async authenticate(req: IncomingMessage, url: URL, body: Buffer, service = 'sts'): Promise<CredentialRecord> {
    const authorization = headerValue(req, 'authorization');
    if (authorization === undefined) {
      if (url.searchParams.has('X-Amz-Signature')) {
        throw new StsError(400, 'IncompleteSignature', 'Presigned (query string) authentication is not supported by this emulator.');
      }
      throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    const auth = parseAuthorization(authorization);
    const cred = this.credentials.get(auth.accessKeyId);
    if (!cred || cred.revoked) throw new StsError(403, 'InvalidClientTokenId', INVALID_TOKEN);

    const token = headerValue(req, 'x-amz-security-token');
    if (cred.sessionToken === null ? token !== undefined : token === undefined || !sameString(token, cred.sessionToken)) {
      throw new StsError(403, 'InvalidClientTokenId', INVALID_TOKEN);
    }

    const dateHeader = headerValue(req, 'x-amz-date');
    if (dateHeader === undefined) {
      throw new StsError(400, 'IncompleteSignature', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    const signedAt = parseAmzDate(dateHeader);
    if (signedAt === null) throw new StsError(400, 'IncompleteSignature', `Invalid X-Amz-Date: ${dateHeader}`);
    const serverNow = Date.now() + this.skewMs;
    if (signedAt < serverNow - MAX_SIGNATURE_SKEW_MS) {
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        `Signature expired: ${dateHeader} is now earlier than ${amzDate(serverNow - MAX_SIGNATURE_SKEW_MS)} (${amzDate(serverNow)} - 5 min.)`,
      );
    }
    if (signedAt > serverNow + MAX_SIGNATURE_SKEW_MS) {
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        `Signature not yet current: ${dateHeader} is still later than ${amzDate(serverNow + MAX_SIGNATURE_SKEW_MS)} (${amzDate(serverNow)} + 5 min.)`,
      );
    }
    if (auth.date !== dateHeader.slice(0, 8)) {
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${dateHeader.slice(0, 8)}', from 'x-amz-date'.`,
      );
    }
    if (auth.service !== service) {
      throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `);
    }

    const declaredPayloadHash = headerValue(req, 'x-amz-content-sha256');
    if (declaredPayloadHash !== undefined && declaredPayloadHash !== createHash('sha256').update(body).digest('hex')) {
      throw new StsError(400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
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

    if (cred.expiresAt !== null && this.nowMs() >= cred.expiresAt) {
      throw new StsError(403, 'ExpiredToken', EXPIRED_TOKEN);
    }
    return cred;
  }

  // ----- actions -------------------------------------------------------------------

  private dispatch(action: string, params: URLSearchParams, caller: CredentialRecord): string {
    if (isIamAction(action)) {
      try {
        return this.iam.dispatch(action, params, caller);
      } catch (err) {
        throw err instanceof IamFault ? new StsError(err.status, err.code, err.message) : err;
      }
    }
    switch (action) {
      case 'GetSessionToken':
        return this.getSessionToken(params, caller);
      case 'AssumeRole':
        return this.assumeRole(params, caller);
      case 'GetCallerIdentity':
        return el('Arn', caller.principalArn) + el('UserId', caller.userId) + el('Account', caller.accountId);
      case 'GetFederationToken':
        return this.getFederationToken(params, caller);
      default:
        throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${STS_VERSION}`);
    }
  }

  private getSessionToken(params: URLSearchParams, caller: CredentialRecord): string {
    validateParams(params, [durationRule(900, 129600), SERIAL_RULE, TOKEN_CODE_RULE]);
    if (caller.kind !== 'user') {
      throw new StsError(403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
    }
    const duration = Number(params.get('DurationSeconds') ?? 43200);
    const mfa = this.verifyMfa(params.get('SerialNumber'), params.get('TokenCode'));
    const issued = this.issue({
      kind: 'session',
      principalArn: caller.principalArn,
      userId: caller.userId,
      accountId: caller.accountId,
      mfaAuthenticated: mfa,
      durationSeconds: duration,
    });
    return credentialsXml(issued);
  }

  private assumeRole(params: URLSearchParams, caller: CredentialRecord): string {
    validateParams(params, [
      { param: 'RoleArn', member: 'roleArn', required: true, minLength: 20, maxLength: 2048 },
      {
        param: 'RoleSessionName',
        member: 'roleSessionName',
        required: true,
        minLength: 2,
        maxLength: 64,
        pattern: { re: /^[\w+=,.@-]*$/, text: '[\\w+=,.@-]*' },
      },
      durationRule(900, 43200),
      {
        param: 'ExternalId',
        member: 'externalId',
        minLength: 2,
        maxLength: 1224,
        pattern: { re: /^[\w+=,.@:/-]*$/, text: '[\\w+=,.@:\\/-]*' },
      },
      SERIAL_RULE,
      TOKEN_CODE_RULE,
    ]);
    const roleArn = params.get('RoleArn')!;
    const sessionName = params.get('RoleSessionName')!;
    const notAuthorized = new StsError(
      403,
      'AccessDenied',
      `User: ${caller.principalArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    const role = this.roles.get(roleArn);
    if (!role || caller.kind === 'federated') throw notAuthorized;
    if (role.externalId !== undefined && params.get('ExternalId') !== role.externalId) throw notAuthorized;

    const duration = Number(params.get('DurationSeconds') ?? 3600);
    const temporaryCaller = caller.sessionToken !== null;
    if (temporaryCaller && duration > 3600) throw new StsError(400, 'ValidationError', CHAINING_LIMIT);
    if (duration > role.maxSessionDuration) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    const mfaOnThisCall = this.verifyMfa(params.get('SerialNumber'), params.get('TokenCode'));
    const mfa = mfaOnThisCall || caller.mfaAuthenticated;
    if (role.requireMfa && !mfa) throw notAuthorized;

    const principalArn = `arn:aws:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
    const assumedRoleId = `${role.roleId}:${sessionName}`;
    const issued = this.issue({
      kind: 'role',
      principalArn,
      userId: assumedRoleId,
      accountId: role.accountId,
      mfaAuthenticated: mfa,
      durationSeconds: duration,
    });
    let xml = credentialsXml(issued) + '<AssumedRoleUser>' + el('AssumedRoleId', assumedRoleId) + el('Arn', principalArn) + '</AssumedRoleUser>';
    const policy = params.get('Policy');
    if (policy !== null) xml += el('PackedPolicySize', String(packedPolicySize(policy)));
    return xml;
  }

  private getFederationToken(params: URLSearchParams, caller: CredentialRecord): string {
    validateParams(params, [
      {
        param: 'Name',
        member: 'name',
        required: true,
        minLength: 2,
        maxLength: 32,
        pattern: { re: /^[\w+=,.@-]*$/, text: '[\\w+=,.@-]*' },
      },
      durationRule(900, 129600),
    ]);
    if (caller.kind !== 'user') {
      throw new StsError(403, 'AccessDenied', 'Cannot call GetFederationToken with session credentials');
    }
    const name = params.get('Name')!;
    const principalArn = `arn:aws:sts::${caller.accountId}:federated-user/${name}`;
    const federatedUserId = `${caller.accountId}:${name}`;
    const issued = this.issue({
      kind: 'federated',
      principalArn,
      userId: federatedUserId,
      accountId: caller.accountId,
      mfaAuthenticated: false,
      durationSeconds: Number(params.get('DurationSeconds') ?? 43200),
    });
    let xml = credentialsXml(issued) + '<FederatedUser>' + el('FederatedUserId', federatedUserId) + el('Arn', principalArn) + '</FederatedUser>';
    const policy = params.get('Policy');
    if (policy !== null) xml += el('PackedPolicySize', String(packedPolicySize(policy)));
    return xml;
  }

  /** true: valid MFA on this call; false: no MFA given; throws AccessDenied for a bad/replayed code or unknown device. */
  private verifyMfa(serial: string | null, code: string | null): boolean {
    if (serial === null && code === null) return false;
    const device = serial === null ? undefined : this.devices.get(serial);
    if (!device || code === null) throw new StsError(403, 'AccessDenied', MFA_FAILED);
    const step = this.currentStep();
    for (const candidate of [step, step - 1, step + 1]) {
      const expected = HOTP.generate({ secret: device.secret, algorithm: 'SHA1', digits: 6, counter: candidate });
      if (!sameString(expected, code)) continue;
      if (device.lastUsedStep !== null && candidate <= device.lastUsedStep) break;
      device.lastUsedStep = candidate;
      return true;
    }
    throw new StsError(403, 'AccessDenied', MFA_FAILED);
  }

  private issue(o: {
    kind: CredentialKind;
    principalArn: string;
    userId: string;
    accountId: string;
    mfaAuthenticated: boolean;
    durationSeconds: number;
  }): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } {
    let accessKeyId = randomId('ASIA', 16);
    while (this.credentials.has(accessKeyId)) accessKeyId = randomId('ASIA', 16);
    const secretAccessKey = randomSecretKey();
    const sessionToken = randomSessionToken();
    const expiresAt = Math.floor(this.nowMs() / 1000) * 1000 + o.durationSeconds * 1000;
    this.credentials.set(accessKeyId, {
      kind: o.kind,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      principalArn: o.principalArn,
      userId: o.userId,
      accountId: o.accountId,
      mfaAuthenticated: o.mfaAuthenticated,
      expiresAt,
      revoked: false,
    });
    return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiresAt) };
  }

  // ----- federation sign-in endpoint ---------------------------------------------------

  private handleFederation(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const params = req.method === 'POST' ? new URLSearchParams(body.toString('utf8')) : url.searchParams;
    const action = params.get('Action') ?? '';
    const loggedParams: Record<string, string> = { Action: action };
    const duration = params.get('SessionDuration');
    if (duration !== null) loggedParams['SessionDuration'] = duration;
    const record: EmulatorCall = { action, accessKeyId: null, principal: null, ok: false, params: loggedParams };
    this.callLog.push(record);

    const fault = this.takeFault(action);
    if (fault) {
      if (fault.kind === 'status') {
        record.errorCode = fault.code;
        res.statusCode = fault.status;
        res.setHeader('content-type', 'text/plain');
        res.end(`${fault.message ?? fault.code}\n`);
        return;
      }
      this.applyFault(fault, record, req, res);
      return;
    }

    const fail = (code: string, text: string): void => {
      record.errorCode = code;
      res.statusCode = 400;
      res.setHeader('content-type', 'text/plain');
      res.end(`${text}\n`);
    };
    if (action !== 'getSigninToken') return fail('InvalidAction', 'Unsupported Action');
    let session: unknown;
    try {
      session = JSON.parse(params.get('Session') ?? '');
    } catch {
      return fail('MalformedSession', 'Session is not valid JSON');
    }
    const s = (session ?? {}) as Record<string, unknown>;
    const { sessionId, sessionKey, sessionToken } = s;
    if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') {
      return fail('MalformedSession', 'Session must contain sessionId, sessionKey and sessionToken');
    }
    record.accessKeyId = sessionId;
    if (duration !== null && (!/^\d+$/.test(duration) || +duration < 900 || +duration > 43200)) {
      return fail('InvalidSessionDuration', 'SessionDuration must be an integer between 900 and 43200');
    }
    const cred = this.credentials.get(sessionId);
    if (
      !cred ||
      cred.revoked ||
      cred.sessionToken === null ||
      !sameString(cred.secretAccessKey, sessionKey) ||
      !sameString(cred.sessionToken, sessionToken)
    ) {
      return fail('InvalidCredentials', 'The security token included in the request is invalid');
    }
    record.principal = cred.principalArn;
    if (cred.expiresAt !== null && this.nowMs() >= cred.expiresAt) {
      return fail('ExpiredToken', 'The security token included in the request is expired');
    }
    if (cred.kind !== 'role' && cred.kind !== 'federated') {
      return fail('InvalidCredentials', 'Credentials from GetSessionToken or long-term keys cannot be used for console sign-in');
    }
    const token = randomBytes(192).toString('base64url');
    this.signinTokens.set(token, cred.principalArn);
    record.ok = true;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ SigninToken: token }));
  }
}

// ---------------------------------------------------------------------------

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function redactParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of params) out[k] = k === 'TokenCode' ? '<redacted>' : v;
  return out;
}

function packedPolicySize(policy: string): number {
  return Math.min(100, Math.max(1, Math.ceil(policy.length / 20)));
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

function accessKeyIdFromAuthorization(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  return /Credential=([^/,\s]+)\//.exec(authorization)?.[1] ?? null;
}

function parseAuthorization(header: string): ParsedAuthorization {
  const incomplete = (what: string): StsError =>
    new StsError(400, 'IncompleteSignature', `Authorization header requires '${what}' parameter. Authorization=${header.split(' ')[0] ?? ''}`);
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
    throw new StsError(400, 'IncompleteSignature', `Credential is malformed: expected AKID/YYYYMMDD/region/service/aws4_request`);
  }
  return {
    accessKeyId: scope[0]!,
    date: scope[1]!,
    region: scope[2]!,
    service: scope[3]!,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0),
    signature: signature.toLowerCase(),
  };
}
