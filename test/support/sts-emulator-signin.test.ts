// The emulator's sign-in service (CreateOAuth2Token with DPoP) refuses every proof RFC 9449 says to refuse, and
// accepts the proof exactly as the AWS SDK builds it (test/e2e/aws-login.test.ts drives it through the SDK).
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { after, before, test } from 'node:test';
import { StsEmulator, type LoginTokenFile } from './sts-emulator.ts';

let emu: StsEmulator;
before(async () => {
  emu = await StsEmulator.start();
});
after(() => emu.stop());

interface ProofParts {
  key?: string;
  typ?: string;
  alg?: string;
  htm?: string;
  htu?: string;
  iat?: number;
  jti?: string;
  /** Changes the signature after signing. */
  tamper?: (signature: Buffer) => Buffer;
}

/** A DPoP proof as the SDK's LoginCredentialsFetcher makes it, with any part overridden. */
function proof(token: LoginTokenFile, parts: ProofParts = {}): string {
  const privateKey = createPrivateKey({ key: parts.key ?? token.dpopKey, format: 'pem', type: 'sec1' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const header = {
    alg: parts.alg ?? 'ES256',
    typ: parts.typ ?? 'dpop+jwt',
    jwk: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
  };
  const payload = {
    jti: parts.jti ?? randomUUID(),
    htm: parts.htm ?? 'POST',
    htu: parts.htu ?? `${emu.url}/v1/token`,
    iat: parts.iat ?? Math.floor(Date.now() / 1000),
  };
  const message =
    `${Buffer.from(JSON.stringify(header)).toString('base64url')}.` +
    `${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(message), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${message}.${(parts.tamper ?? ((s) => s))(signature).toString('base64url')}`;
}

async function refresh(
  token: LoginTokenFile,
  dpop: string | undefined,
  body: Record<string, unknown> = {},
): Promise<{ status: number; type: string | null; json: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(dpop ? { DPoP: dpop } : {}) },
    body: JSON.stringify({
      clientId: token.clientId,
      grantType: 'refresh_token',
      refreshToken: token.refreshToken,
      ...body,
    }),
  });
  return {
    status: res.status,
    type: res.headers.get('x-amzn-errortype'),
    json: (await res.json()) as Record<string, unknown>,
  };
}

const newToken = () =>
  emu.signin.login({ principalArn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' });

test('a good proof gets new credentials and a new refresh token; the old refresh token is spent', async () => {
  const token = newToken();
  const ok = await refresh(token, proof(token));
  assert.equal(ok.status, 200, JSON.stringify(ok.json));
  assert.deepEqual(Object.keys(ok.json).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
  assert.equal(ok.json.expiresIn, 900);
  assert.notEqual(ok.json.refreshToken, token.refreshToken);
  const again = await refresh(token, proof(token));
  assert.equal(again.status, 400);
  assert.deepEqual([again.type, again.json.error], ['AccessDeniedException', 'invalid_grant']);
});

test('every bad proof is refused before the refresh token is spent', async () => {
  const token = newToken();
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    format: 'pem',
    type: 'sec1',
  }) as string;
  const reused = randomUUID();
  await refresh(token, proof(newToken(), { jti: reused })); // spends the jti (on another session)
  const bad: Array<[string, string | undefined, RegExp]> = [
    ['no proof', undefined, /no DPoP header/],
    [
      'a flipped signature bit',
      proof(token, { tamper: (s) => Buffer.from(s.map((byte, i) => (i === 10 ? byte ^ 1 : byte))) }),
      /the signature does not verify/,
    ],
    [
      'a DER signature',
      proof(token, { tamper: (s) => Buffer.concat([Buffer.from([0x30, 0x44]), s]) }),
      /the signature does not verify/,
    ],
    ['another key than the session is bound to', proof(token, { key: other }), /not the one this session is bound to/],
    ['typ jwt', proof(token, { typ: 'jwt' }), /typ jwt/],
    ['alg RS256', proof(token, { alg: 'RS256' }), /alg RS256/],
    ['htm GET', proof(token, { htm: 'GET' }), /htm GET/],
    ['another URL', proof(token, { htu: 'https://signin.aws.amazon.com/v1/token' }), /htu/],
    ['an iat an hour old', proof(token, { iat: Math.floor(Date.now() / 1000) - 3600 }), /iat is too far/],
    ['a reused jti', proof(token, { jti: reused }), /jti missing or already used/],
    ['not a JWS', 'abc.def', /not a JWS/],
  ];
  for (const [name, dpop, message] of bad) {
    const refused = await refresh(token, dpop);
    assert.equal(refused.status, 400, name);
    assert.equal(refused.type, 'AccessDeniedException', name);
    assert.match(String(refused.json.message), message, name);
  }
  assert.equal((await refresh(token, proof(token))).status, 200, 'the refresh token was never spent');
});

test('an ended session is TOKEN_EXPIRED; another grant type is refused', async () => {
  const token = newToken();
  const grant = await refresh(token, proof(token), { grantType: 'authorization_code' });
  assert.deepEqual(
    [grant.status, grant.type, grant.json.error],
    [400, 'ValidationException', 'unsupported_grant_type'],
  );
  emu.signin.expire(token.refreshToken);
  const expired = await refresh(token, proof(token));
  assert.deepEqual([expired.status, expired.type, expired.json.error], [400, 'AccessDeniedException', 'TOKEN_EXPIRED']);
});
