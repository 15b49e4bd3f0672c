// The AWS sign-in service's CreateOAuth2Token (POST /v1/token, REST-JSON), as `aws login` sessions use it to
// refresh: a refresh token bound to the session's DPoP key, and a DPoP proof (RFC 9449: an ES256 JWT of type
// `dpop+jwt` carrying its public key as a JWK, over the method and URL) verified on every call with the key
// derived from that JWK. Refresh tokens are single-use (each answer carries the next one); a session ends
// after its lifetime (12 h by default) with AccessDeniedException TOKEN_EXPIRED, as the SDK expects. Also
// makes the token files `aws login` writes, for tests. Test fixture only.

import { createHash, createPublicKey, generateKeyPairSync, randomBytes, verify, type JsonWebKey } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorClock } from './clock.ts';
import type { CallLog } from './counters.ts';
import type { CredentialStore } from './credentials.ts';
import { randomId } from './credentials.ts';
import { headerValue } from './protocol.ts';

export const SIGNIN_TOKEN_PATH = '/v1/token';
const ACTION = 'CreateOAuth2Token';
/** How far a proof's `iat` may be from the server's clock. */
const PROOF_WINDOW_SECONDS = 300;

interface LoginSessionRecord {
  principalArn: string;
  accountId: string;
  clientId: string;
  /** RFC 7638 thumbprint of the DPoP key the session is bound to. */
  keyThumbprint: string;
  /** Epoch ms (emulator clock) after which the refresh token is refused. */
  endsAtMs: number;
  credentialsSeconds: number;
}

export interface LoginTokenFile {
  accessToken: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken: string;
    accountId: string;
    expiresAt: string;
  };
  tokenType: string;
  clientId: string;
  refreshToken: string;
  idToken: string;
  dpopKey: string;
}

export interface SigninState {
  credentials: CredentialStore;
  clock: EmulatorClock;
  calls: CallLog;
  /** The URL proofs must name (`htu`). */
  url: string;
}

class SigninRefusal extends Error {
  readonly status: number;
  readonly type: string;
  readonly error: string;
  constructor(status: number, type: string, error: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
    this.error = error;
  }
}

/** RFC 7638: the SHA-256 of the JWK's required members in lexical order. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  return createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
}

export class SigninService {
  private readonly sessions = new Map<string, LoginSessionRecord>();
  private readonly seenProofs = new Set<string>();
  private readonly state: SigninState;

  constructor(state: SigninState) {
    this.state = state;
  }

  /**
   * A signed-in session as `aws login` leaves it: a fresh P-256 key, credentials for `principalArn`, a refresh
   * token. `credentialsSeconds` (default 900) is how long the credentials live, `sessionSeconds` (default 12 h)
   * how long the refresh token is honoured; `expiresInSeconds` writes an earlier expiresAt into the file.
   */
  login(o: {
    principalArn: string;
    accountId: string;
    credentialsSeconds?: number;
    sessionSeconds?: number;
    expiresInSeconds?: number;
  }): LoginTokenFile {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const clientId = 'arn:aws:signin:::devtools/same-device';
    const record: LoginSessionRecord = {
      principalArn: o.principalArn,
      accountId: o.accountId,
      clientId,
      keyThumbprint: jwkThumbprint(publicKey.export({ format: 'jwk' })),
      endsAtMs: this.state.clock.nowMs() + (o.sessionSeconds ?? 43200) * 1000,
      credentialsSeconds: o.credentialsSeconds ?? 900,
    };
    const refreshToken = this.newRefreshToken(record);
    const issued = this.issue(record, o.expiresInSeconds ?? record.credentialsSeconds);
    return {
      accessToken: { ...issued, accountId: o.accountId },
      tokenType: 'urn:aws:params:oauth:token-type:access_token_sigv4',
      clientId,
      refreshToken,
      idToken: 'emulator.id.token',
      dpopKey: privateKey.export({ format: 'pem', type: 'sec1' }) as string,
    };
  }

  /** Ends a session now (its refresh token is then refused as expired). */
  expire(refreshToken: string): void {
    const record = this.sessions.get(refreshToken);
    if (record) record.endsAtMs = this.state.clock.nowMs() - 1;
  }

  private newRefreshToken(record: LoginSessionRecord): string {
    const token = `rt-${randomBytes(24).toString('base64url')}`;
    this.sessions.set(token, record);
    return token;
  }

  private issue(
    record: LoginSessionRecord,
    seconds: number,
  ): { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiresAt: string } {
    const issued = this.state.credentials.issue(
      {
        kind: 'session',
        principalArn: record.principalArn,
        userId: randomId('AIDA', 17),
        accountId: record.accountId,
        mfaAuthenticated: false,
        durationSeconds: seconds,
      },
      this.state.clock.nowMs(),
    );
    return {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiresAt: issued.expiration.toISOString(),
    };
  }

  handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const record = this.state.calls.start(ACTION, {});
    try {
      const answer = this.refresh(req, body);
      record.ok = true;
      send(res, 200, answer);
    } catch (error) {
      if (!(error instanceof SigninRefusal)) throw error;
      record.errorCode = `${error.type}:${error.error}`;
      res.setHeader('x-amzn-errortype', error.type);
      send(res, error.status, { error: error.error, message: error.message });
    }
  }

  private refresh(req: IncomingMessage, body: Buffer): unknown {
    if (req.method !== 'POST')
      throw new SigninRefusal(400, 'ValidationException', 'INVALID_REQUEST', 'CreateOAuth2Token is POST');
    let input: { clientId?: unknown; grantType?: unknown; refreshToken?: unknown };
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      throw new SigninRefusal(400, 'ValidationException', 'INVALID_REQUEST', 'the body is not JSON');
    }
    if (input.grantType !== 'refresh_token')
      throw new SigninRefusal(
        400,
        'ValidationException',
        'unsupported_grant_type',
        `grant type ${String(input.grantType)} is not supported`,
      );
    const jwk = this.verifyProof(headerValue(req, 'dpop'), req.method);
    const session = typeof input.refreshToken === 'string' ? this.sessions.get(input.refreshToken) : undefined;
    if (!session || session.clientId !== input.clientId)
      throw new SigninRefusal(400, 'AccessDeniedException', 'invalid_grant', 'the refresh token is not valid');
    if (jwkThumbprint(jwk) !== session.keyThumbprint)
      throw new SigninRefusal(
        400,
        'AccessDeniedException',
        'INVALID_REQUEST',
        'Invalid DPoP proof: the key is not the one this session is bound to',
      );
    if (this.state.clock.nowMs() >= session.endsAtMs)
      throw new SigninRefusal(400, 'AccessDeniedException', 'TOKEN_EXPIRED', 'The session has expired');
    this.sessions.delete(input.refreshToken as string);
    const refreshToken = this.newRefreshToken(session);
    const issued = this.issue(session, session.credentialsSeconds);
    return {
      accessToken: {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
      },
      tokenType: 'urn:aws:params:oauth:token-type:access_token_sigv4',
      expiresIn: session.credentialsSeconds,
      refreshToken,
    };
  }

  /** The proof's JWK once everything about the proof checks out (RFC 9449 section 4.3). */
  private verifyProof(proof: string | undefined, method: string): JsonWebKey {
    const refuse = (why: string) =>
      new SigninRefusal(400, 'AccessDeniedException', 'INVALID_REQUEST', `Invalid DPoP proof: ${why}`);
    if (!proof) throw refuse('no DPoP header');
    const parts = proof.split('.');
    if (parts.length !== 3) throw refuse('not a JWS');
    const [headerText, payloadText, signatureText] = parts as [string, string, string];
    let header: { typ?: unknown; alg?: unknown; jwk?: JsonWebKey };
    let payload: { htm?: unknown; htu?: unknown; iat?: unknown; jti?: unknown };
    try {
      header = JSON.parse(Buffer.from(headerText, 'base64url').toString('utf8'));
      payload = JSON.parse(Buffer.from(payloadText, 'base64url').toString('utf8'));
    } catch {
      throw refuse('header or payload is not base64url JSON');
    }
    if (header.typ !== 'dpop+jwt') throw refuse(`typ ${String(header.typ)}`);
    if (header.alg !== 'ES256') throw refuse(`alg ${String(header.alg)}`);
    const jwk = header.jwk;
    if (
      !jwk ||
      jwk.kty !== 'EC' ||
      jwk.crv !== 'P-256' ||
      typeof jwk.x !== 'string' ||
      typeof jwk.y !== 'string' ||
      'd' in jwk
    )
      throw refuse('jwk is not a public P-256 key');
    let key;
    try {
      key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
    } catch {
      throw refuse('jwk is not a point on P-256');
    }
    const signature = Buffer.from(signatureText, 'base64url');
    if (
      signature.length !== 64 ||
      !verify('sha256', Buffer.from(`${headerText}.${payloadText}`), { key, dsaEncoding: 'ieee-p1363' }, signature)
    )
      throw refuse('the signature does not verify');
    if (payload.htm !== method) throw refuse(`htm ${String(payload.htm)}`);
    if (payload.htu !== `${this.state.url}${SIGNIN_TOKEN_PATH}`) throw refuse(`htu ${String(payload.htu)}`);
    const skew =
      typeof payload.iat === 'number' ? Math.abs(payload.iat - this.state.clock.serverNowMs() / 1000) : Infinity;
    if (skew > PROOF_WINDOW_SECONDS) throw refuse('iat is too far from the server time (is the clock right?)');
    if (typeof payload.jti !== 'string' || payload.jti === '' || this.seenProofs.has(payload.jti))
      throw refuse('jti missing or already used');
    this.seenProofs.add(payload.jti);
    return jwk;
  }
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}
