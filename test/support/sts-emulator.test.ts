import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput, Credentials, STSClientConfig } from '@aws-sdk/client-sts';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, StsEmulator } from './sts-emulator.ts';
import type { IssuedUser } from './sts-emulator.ts';

const run = promisify(execFile);
const ACCOUNT = '111111111111';
const OTHER_ACCOUNT = '222222222222';
const AWS_CLI = '/usr/bin/aws';
const MFA_FAILED = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
const CHAINING = 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

let emu: StsEmulator;
const clients: STSClient[] = [];
let seq = 0;

before(async () => {
  emu = await StsEmulator.start();
});

after(async () => {
  for (const c of clients) c.destroy();
  await emu.stop();
});

function sts(keys: Keys, extra: Partial<STSClientConfig> = {}): STSClient {
  const client = new STSClient({ region: 'us-east-1', endpoint: emu.url, credentials: keys, maxAttempts: 1, ...extra });
  clients.push(client);
  return client;
}

function keysOf(c: Credentials | undefined): Keys {
  assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

/** A fresh user with its own MFA device and a few roles, so tests don't share MFA replay state. */
function world(): {
  n: number;
  user: IssuedUser;
  keys: Keys;
  serial: string;
  mfaRole: string;
  mfaRole2: string;
  plainRole: string;
  longRole: string;
  extRole: string;
} {
  const n = ++seq;
  const user = emu.addUser({ userName: `alice${n}`, accountId: ACCOUNT });
  const serial = `arn:aws:iam::${ACCOUNT}:mfa/alice${n}`;
  emu.addMfaDevice({ serial });
  const mfaRole = `arn:aws:iam::${OTHER_ACCOUNT}:role/hc/hc-master-${n}`;
  const mfaRole2 = `arn:aws:iam::${OTHER_ACCOUNT}:role/second-${n}`;
  const plainRole = `arn:aws:iam::${OTHER_ACCOUNT}:role/plain-${n}`;
  const longRole = `arn:aws:iam::${OTHER_ACCOUNT}:role/long-${n}`;
  const extRole = `arn:aws:iam::${OTHER_ACCOUNT}:role/ext-${n}`;
  emu.addRole({ arn: mfaRole, requireMfa: true });
  emu.addRole({ arn: mfaRole2, requireMfa: true });
  emu.addRole({ arn: plainRole });
  emu.addRole({ arn: longRole, maxSessionDuration: 43200 });
  emu.addRole({ arn: extRole, externalId: 'ext-123' });
  return {
    n,
    user,
    keys: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    serial,
    mfaRole,
    mfaRole2,
    plainRole,
    longRole,
    extRole,
  };
}

interface SdkError {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

async function rejection(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  assert.fail('expected the call to fail');
}

async function expectError(
  p: Promise<unknown>,
  code: string,
  status: number,
  message?: string | RegExp,
): Promise<SdkError> {
  const err = await rejection(p);
  assert.equal(err.name, code, `unexpected error ${err.name}: ${err.message}`);
  assert.equal(err.$metadata?.httpStatusCode, status);
  if (typeof message === 'string') assert.equal(err.message, message);
  else if (message) assert.match(err.message, message);
  return err;
}

/** Issued at some emulator time in [before, now]: expiration = issue time (floored to the second) + seconds. */
function assertExpiresIn(expiration: Date | string | undefined, seconds: number, before: Date): void {
  const exp = expiration === undefined ? NaN : new Date(expiration).getTime();
  const lo = Math.floor(before.getTime() / 1000) * 1000 + seconds * 1000;
  const hi = emu.now().getTime() + seconds * 1000;
  assert.ok(
    exp >= lo && exp <= hi,
    `expiration ${String(expiration)} not within [${new Date(lo).toISOString()}, ${new Date(hi).toISOString()}]`,
  );
}

/** The code a child process fetched may belong to the previous step if a step boundary passed meanwhile. */
function recentCodes(serial: string): string[] {
  return [emu.currentCode(serial), emu.currentCode(serial, -1)];
}

function assume(keys: Keys, input: Partial<AssumeRoleCommandInput> & { RoleArn: string }) {
  return sts(keys).send(new AssumeRoleCommand({ RoleSessionName: 'sess', ...input }));
}

describe('StsEmulator with the AWS SDK v3', () => {
  test('GetSessionToken without MFA issues session credentials for the user', async () => {
    const w = world();
    const t0 = emu.now();
    const out = await sts(w.keys).send(new GetSessionTokenCommand({}));
    const c = out.Credentials;
    assert.match(c?.AccessKeyId ?? '', /^ASIA[A-Z2-7]{16}$/);
    assert.ok((c?.SessionToken ?? '').length > 200);
    assertExpiresIn(c?.Expiration, 43200, t0);
    const who = await sts(keysOf(c)).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Arn, w.user.arn);
    assert.equal(who.Account, ACCOUNT);
    // not MFA-authenticated: a role that requires MFA is refused
    await expectError(
      assume(keysOf(c), { RoleArn: w.mfaRole }),
      'AccessDenied',
      403,
      `User: ${w.user.arn} is not authorized to perform: sts:AssumeRole on resource: ${w.mfaRole}`,
    );
    // and session credentials cannot call GetSessionToken again
    await expectError(
      sts(keysOf(c)).send(new GetSessionTokenCommand({})),
      'AccessDenied',
      403,
      'Cannot call GetSessionToken with session credentials',
    );
  });

  test(
    'GetSessionToken with MFA: session credentials satisfy MFA roles, and MFA propagates ' + 'through chaining',
    async () => {
      const w = world();
      const session = await sts(w.keys).send(
        new GetSessionTokenCommand({
          SerialNumber: w.serial,
          TokenCode: emu.currentCode(w.serial),
          DurationSeconds: 3600,
        }),
      );
      const role = await assume(keysOf(session.Credentials), { RoleArn: w.mfaRole, RoleSessionName: 'tfmfa-1' });
      assert.equal(role.AssumedRoleUser?.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/hc-master-${w.n}/tfmfa-1`);
      assert.match(role.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z2-7]{17}:tfmfa-1$/);
      const chained = await assume(keysOf(role.Credentials), { RoleArn: w.mfaRole2 });
      assert.equal(chained.AssumedRoleUser?.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/second-${w.n}/sess`);
    },
  );

  test(
    'AssumeRole on an MFA role with long-term keys needs a code; the resulting role credentials ' +
      'are MFA-authenticated',
    async () => {
      const w = world();
      await expectError(
        assume(w.keys, { RoleArn: w.mfaRole }),
        'AccessDenied',
        403,
        /is not authorized to perform: sts:AssumeRole/,
      );
      const role = await assume(w.keys, {
        RoleArn: w.mfaRole,
        SerialNumber: w.serial,
        TokenCode: emu.currentCode(w.serial),
      });
      assert.ok(role.Credentials);
      const chained = await assume(keysOf(role.Credentials), { RoleArn: w.mfaRole2 });
      assert.ok(chained.Credentials);
      // a plain role does not need MFA
      assert.ok((await assume(w.keys, { RoleArn: w.plainRole })).Credentials);
    },
  );

  test('a replayed code is rejected, also any code of an earlier or equal step', async () => {
    const w = world();
    const code = emu.currentCode(w.serial);
    await sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: code }));
    await expectError(
      sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: code })),
      'AccessDenied',
      403,
      MFA_FAILED,
    );
    await expectError(
      assume(w.keys, { RoleArn: w.mfaRole, SerialNumber: w.serial, TokenCode: code }),
      'AccessDenied',
      403,
      MFA_FAILED,
    );
    // the next step (within the ±1 window) is fine once, then the current one is "earlier" and refused
    await sts(w.keys).send(
      new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: emu.currentCode(w.serial, 1) }),
    );
    await expectError(
      sts(w.keys).send(
        new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: emu.currentCode(w.serial, -1) }),
      ),
      'AccessDenied',
      403,
      MFA_FAILED,
    );
    // after the clock moves on, a fresh code works again
    emu.advance(60);
    await sts(w.keys).send(
      new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: emu.currentCode(w.serial) }),
    );
  });

  test('wrong code, out-of-window code, unknown device and malformed code', async () => {
    const w = world();
    const good = emu.currentCode(w.serial);
    const wrong = good === '000000' ? '000001' : '000000';
    await expectError(
      sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: wrong })),
      'AccessDenied',
      403,
      MFA_FAILED,
    );
    await expectError(
      sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: emu.currentCode(w.serial, 3) })),
      'AccessDenied',
      403,
      MFA_FAILED,
    );
    await expectError(
      sts(w.keys).send(
        new GetSessionTokenCommand({ SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/nobody`, TokenCode: good }),
      ),
      'AccessDenied',
      403,
      MFA_FAILED,
    );
    await expectError(
      sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: '12ab' })),
      'ValidationError',
      400,
      new RegExp(
        String.raw`Value '12ab' at 'tokenCode' failed to satisfy constraint: Member must have length greater ` +
          String.raw`than or equal to 6; .*regular expression pattern: \[\\d\]\*`,
      ),
    );
    // none of the failures burned the current code
    await sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: good }));
  });

  test('external id is enforced', async () => {
    const w = world();
    const denied = `User: ${w.user.arn} is not authorized to perform: sts:AssumeRole on resource: ${w.extRole}`;
    await expectError(assume(w.keys, { RoleArn: w.extRole }), 'AccessDenied', 403, denied);
    await expectError(assume(w.keys, { RoleArn: w.extRole, ExternalId: 'ext-999' }), 'AccessDenied', 403, denied);
    assert.ok((await assume(w.keys, { RoleArn: w.extRole, ExternalId: 'ext-123' })).Credentials);
  });

  test('unknown role and invalid session names', async () => {
    const w = world();
    const missing = `arn:aws:iam::${OTHER_ACCOUNT}:role/does-not-exist`;
    await expectError(
      assume(w.keys, { RoleArn: missing }),
      'AccessDenied',
      403,
      `User: ${w.user.arn} is not authorized to perform: sts:AssumeRole on resource: ${missing}`,
    );
    await expectError(
      assume(w.keys, { RoleArn: w.plainRole, RoleSessionName: 'a' }),
      'ValidationError',
      400,
      "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must " +
        'have length greater than or equal to 2',
    );
    await expectError(
      assume(w.keys, { RoleArn: w.plainRole, RoleSessionName: 'has space' }),
      'ValidationError',
      400,
      /regular expression pattern/,
    );
    await expectError(
      assume(w.keys, { RoleArn: w.plainRole, RoleSessionName: 'x'.repeat(65) }),
      'ValidationError',
      400,
      /less than or equal to 64/,
    );
  });

  test('duration limits: role max for long-term keys, 1 hour for role chaining', async () => {
    const w = world();
    const t0 = emu.now();
    const long = await assume(w.keys, { RoleArn: w.longRole, DurationSeconds: 43200 });
    assertExpiresIn(long.Credentials?.Expiration, 43200, t0);
    const dflt = await assume(w.keys, { RoleArn: w.plainRole });
    assertExpiresIn(dflt.Credentials?.Expiration, 3600, t0);
    await expectError(
      assume(w.keys, { RoleArn: w.plainRole, DurationSeconds: 7200 }),
      'ValidationError',
      400,
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    await expectError(
      assume(w.keys, { RoleArn: w.longRole, DurationSeconds: 43201 }),
      'ValidationError',
      400,
      /less than or equal to 43200/,
    );
    await expectError(
      assume(w.keys, { RoleArn: w.longRole, DurationSeconds: 899 }),
      'ValidationError',
      400,
      /greater than or equal to 900/,
    );

    // temporary credentials (role or session) → chaining limit
    await expectError(
      assume(keysOf(long.Credentials), { RoleArn: w.longRole, DurationSeconds: 3601 }),
      'ValidationError',
      400,
      CHAINING,
    );
    const session = await sts(w.keys).send(new GetSessionTokenCommand({ DurationSeconds: 129600 }));
    await expectError(
      assume(keysOf(session.Credentials), { RoleArn: w.longRole, DurationSeconds: 7200 }),
      'ValidationError',
      400,
      CHAINING,
    );
    assert.ok((await assume(keysOf(session.Credentials), { RoleArn: w.longRole, DurationSeconds: 3600 })).Credentials);
    await expectError(
      sts(w.keys).send(new GetSessionTokenCommand({ DurationSeconds: 129601 })),
      'ValidationError',
      400,
      /less than or equal to 129600/,
    );
  });

  test('GetCallerIdentity for long-term, session, role and federated credentials', async () => {
    const w = world();
    const self = await sts(w.keys).send(new GetCallerIdentityCommand({}));
    assert.equal(self.Arn, `arn:aws:iam::${ACCOUNT}:user/alice${w.n}`);
    assert.match(self.UserId ?? '', /^AIDA[A-Z2-7]{17}$/);
    assert.equal(self.Account, ACCOUNT);

    const session = await sts(w.keys).send(new GetSessionTokenCommand({}));
    const viaSession = await sts(keysOf(session.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.deepEqual([viaSession.Arn, viaSession.UserId, viaSession.Account], [self.Arn, self.UserId, self.Account]);

    const role = await assume(w.keys, {
      RoleArn: w.mfaRole,
      RoleSessionName: 'me@example.com',
      SerialNumber: w.serial,
      TokenCode: emu.currentCode(w.serial),
    });
    const viaRole = await sts(keysOf(role.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(viaRole.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/hc-master-${w.n}/me@example.com`);
    assert.equal(viaRole.UserId, role.AssumedRoleUser?.AssumedRoleId);
    assert.equal(viaRole.Account, OTHER_ACCOUNT);

    const fed = await sts(w.keys).send(
      new GetFederationTokenCommand({ Name: 'bob', DurationSeconds: 900, Policy: '{"Version":"2012-10-17"}' }),
    );
    assert.equal(fed.FederatedUser?.Arn, `arn:aws:sts::${ACCOUNT}:federated-user/bob`);
    assert.equal(fed.FederatedUser?.FederatedUserId, `${ACCOUNT}:bob`);
    assert.ok((fed.PackedPolicySize ?? 0) > 0);
    const viaFed = await sts(keysOf(fed.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(viaFed.Arn, fed.FederatedUser?.Arn);
    await expectError(
      sts(keysOf(session.Credentials)).send(new GetFederationTokenCommand({ Name: 'bob' })),
      'AccessDenied',
      403,
      'Cannot call GetFederationToken with session credentials',
    );
  });

  test('signature and key checks: wrong secret, unknown key, wrong or missing token, revoked key', async () => {
    const w = world();
    await expectError(
      sts({ ...w.keys, secretAccessKey: 'x'.repeat(40) }).send(new GetCallerIdentityCommand({})),
      'SignatureDoesNotMatch',
      403,
      /^The request signature we calculated does not match/,
    );
    await expectError(
      sts({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    );
    const session = keysOf((await sts(w.keys).send(new GetSessionTokenCommand({}))).Credentials);
    await expectError(
      sts({ ...session, sessionToken: 'not-the-token' }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
    );
    await expectError(
      sts({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(
        new GetCallerIdentityCommand({}),
      ),
      'InvalidClientTokenId',
      403,
    );
    // long-term keys with a stray token are refused too
    await expectError(
      sts({ ...w.keys, sessionToken: session.sessionToken }).send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
    );

    emu.revoke(session.accessKeyId);
    await expectError(sts(session).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
    emu.revoke(w.user.accessKeyId);
    await expectError(sts(w.keys).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  });

  test('requests without Authorization are refused', async () => {
    const res = await fetch(emu.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    assert.equal(res.status, 403);
    assert.ok(res.headers.get('x-amzn-requestid'));
    const xml = await res.text();
    assert.match(xml, /<Code>MissingAuthenticationToken<\/Code>/);
    assert.match(xml, /^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
  });

  test('temporary credentials expire on the emulator clock', async () => {
    const w = world();
    const role = keysOf((await assume(w.keys, { RoleArn: w.plainRole, DurationSeconds: 900 })).Credentials);
    await sts(role).send(new GetCallerIdentityCommand({}));
    emu.advance(901);
    await expectError(
      sts(role).send(new GetCallerIdentityCommand({})),
      'ExpiredToken',
      403,
      'The security token included in the request is expired',
    );
    // long-term keys are unaffected
    await sts(w.keys).send(new GetCallerIdentityCommand({}));
  });

  test(
    'clock skew: x-amz-date too far from the server clock → SignatureDoesNotMatch ' + '(Signature expired)',
    async () => {
      const w = world();
      try {
        emu.setSkew(600);
        await expectError(
          sts(w.keys).send(new GetCallerIdentityCommand({})),
          'SignatureDoesNotMatch',
          403,
          /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
        );
        emu.setSkew(-600);
        await expectError(
          sts(w.keys).send(new GetCallerIdentityCommand({})),
          'SignatureDoesNotMatch',
          403,
          /^Signature not yet current:/,
        );
        // The Date response header carries the skewed server time, so an SDK client with retries corrects its clock.
        const before = emu.count('GetCallerIdentity', w.user.accessKeyId);
        await sts(w.keys, { maxAttempts: 2 }).send(new GetCallerIdentityCommand({}));
        assert.equal(emu.count('GetCallerIdentity', w.user.accessKeyId) - before, 2);
        emu.setSkew(120); // within 5 minutes: fine
        await sts(w.keys).send(new GetCallerIdentityCommand({}));
      } finally {
        emu.setSkew(0);
      }
    },
  );

  test('counts and the call log are exact, TokenCode is redacted', async () => {
    const w = world();
    emu.resetCounts();
    const code = emu.currentCode(w.serial);
    await sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: code }));
    await rejection(sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: code })));
    await assume(w.keys, { RoleArn: w.plainRole });
    await rejection(sts({ accessKeyId: 'AKIANOPE', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})));
    assert.equal(emu.count(), 4);
    assert.equal(emu.count('GetSessionToken'), 2);
    assert.equal(emu.count('GetSessionToken', w.user.accessKeyId), 2);
    assert.equal(emu.count('AssumeRole', w.user.accessKeyId), 1);
    assert.equal(emu.count('GetCallerIdentity', 'AKIANOPE'), 1);
    assert.equal(emu.count('AssumeRole', 'AKIANOPE'), 0);
    const calls = emu.calls();
    assert.deepEqual(
      calls.map((c) => [c.action, c.ok, c.errorCode ?? null, c.principal]),
      [
        ['GetSessionToken', true, null, w.user.arn],
        ['GetSessionToken', false, 'AccessDenied', w.user.arn],
        ['AssumeRole', true, null, w.user.arn],
        ['GetCallerIdentity', false, 'InvalidClientTokenId', null],
      ],
    );
    assert.equal(calls[0]?.params['TokenCode'], '<redacted>');
    assert.equal(calls[0]?.params['SerialNumber'], w.serial);
    assert.ok(!JSON.stringify(calls).includes(code));
    assert.equal(calls[2]?.params['RoleArn'], w.plainRole);

    const counts = (await (await fetch(`${emu.url}/__emulator/counts`)).json()) as Record<string, number>;
    assert.deepEqual(counts, { GetSessionToken: 2, AssumeRole: 1, GetCallerIdentity: 1 });
    emu.resetCounts();
    assert.equal(emu.count(), 0);
  });

  test('injected faults: status errors are surfaced, retried by the SDK when retryable, and counted', async () => {
    const w = world();
    emu.resetCounts();
    emu.injectFault({ action: 'GetCallerIdentity', times: 1, kind: 'status', status: 500, code: 'InternalFailure' });
    await expectError(
      sts(w.keys).send(new GetCallerIdentityCommand({})),
      'InternalFailure',
      500,
      'An internal error occurred.',
    );
    await sts(w.keys).send(new GetCallerIdentityCommand({}));

    // a fault for another action does not match
    emu.injectFault({
      action: 'AssumeRole',
      times: 1,
      kind: 'status',
      status: 400,
      code: 'Throttling',
      message: 'Rate exceeded',
    });
    await sts(w.keys).send(new GetCallerIdentityCommand({}));
    await expectError(assume(w.keys, { RoleArn: w.plainRole }), 'Throttling', 400, 'Rate exceeded');
    // with retries the SDK goes through the remaining faults: two 500s, then success
    emu.injectFault({ action: 'AssumeRole', times: 2, kind: 'status', status: 500, code: 'InternalFailure' });
    const before = emu.count('AssumeRole');
    await sts(w.keys, { maxAttempts: 3 }).send(
      new AssumeRoleCommand({ RoleArn: w.plainRole, RoleSessionName: 'retried' }),
    );
    assert.equal(emu.count('AssumeRole') - before, 3);
    assert.deepEqual(
      emu
        .calls()
        .filter((c) => c.action === 'AssumeRole')
        .map((c) => c.errorCode ?? 'ok'),
      ['Throttling', 'InternalFailure', 'InternalFailure', 'ok'],
    );

    emu.injectFault({ times: 1, kind: 'close' });
    const closed = await rejection(sts(w.keys).send(new GetCallerIdentityCommand({})));
    assert.match(`${closed.name} ${closed.message}`, /socket hang up|ECONNRESET|closed/i);
    await sts(w.keys).send(new GetCallerIdentityCommand({}));
  });

  test('injected hang: the request never answers; stop() ends it', async () => {
    const local = await StsEmulator.start();
    const user = local.addUser({ userName: 'hang', accountId: ACCOUNT });
    local.injectFault({ times: 1, kind: 'hang' });
    const client = new STSClient({
      region: 'us-east-1',
      endpoint: local.url,
      maxAttempts: 1,
      credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
    });
    try {
      const pending = rejection(client.send(new GetCallerIdentityCommand({})));
      // Wait until the request has arrived (a loaded machine may take longer than a fixed pause), then a while more.
      const arrivedBy = Date.now() + 10_000;
      while (local.count('GetCallerIdentity') === 0 && Date.now() < arrivedBy)
        await new Promise((r) => setTimeout(r, 10));
      const raced = await Promise.race([
        pending.then(() => 'settled'),
        new Promise((r) => setTimeout(r, 150, 'pending')),
      ]);
      assert.equal(raced, 'pending');
      assert.equal(local.count('GetCallerIdentity'), 1);
      const t0 = Date.now();
      await local.stop();
      const err = await pending;
      assert.ok(err.message.length > 0);
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      client.destroy();
      await local.stop();
    }
  });

  test(
    "injected 'lose-answer' carries the call out and never answers; 'skip' lets calls through " +
      'first; clearFaults forgets the rest',
    async () => {
      const local = await StsEmulator.start();
      const user = local.addUser({ userName: 'lost', accountId: ACCOUNT });
      const client = new STSClient({
        region: 'us-east-1',
        endpoint: local.url,
        maxAttempts: 1,
        credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey },
      });
      try {
        local.injectFault({ action: 'GetCallerIdentity', skip: 1, times: 1, kind: 'lose-answer' });
        await client.send(new GetCallerIdentityCommand({}));
        const pending = rejection(client.send(new GetCallerIdentityCommand({})));
        const arrivedBy = Date.now() + 10_000;
        while (!local.calls().some((c) => c.errorCode === 'Fault:lose-answer') && Date.now() < arrivedBy)
          await new Promise((r) => setTimeout(r, 10));
        const lost = local.calls().filter((c) => c.action === 'GetCallerIdentity');
        assert.deepEqual(
          lost.map((c) => [c.ok, c.errorCode ?? null]),
          [
            [true, null],
            [true, 'Fault:lose-answer'],
          ],
          'the second call was carried out, its answer lost',
        );
        assert.equal(
          await Promise.race([pending.then(() => 'settled'), new Promise((r) => setTimeout(r, 150, 'pending'))]),
          'pending',
        );
        local.injectFault({ times: 5, kind: 'close' });
        local.clearFaults();
        await client.send(new GetCallerIdentityCommand({}));
        await local.stop();
        await pending;
      } finally {
        client.destroy();
        await local.stop();
      }
    },
  );

  test('a signed GET with query-string parameters is accepted too', async () => {
    const w = world();
    const url = new URL(emu.url);
    const signer = new SignatureV4({ service: 'sts', region: 'eu-west-1', credentials: w.keys, sha256: NodeSha256 });
    const signed = await signer.sign({
      method: 'GET',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: url.host },
    });
    const res = await fetch(`${emu.url}/?Action=GetCallerIdentity&Version=2011-06-15`, { headers: signed.headers });
    const xml = await res.text();
    assert.equal(res.status, 200, xml);
    assert.match(xml, new RegExp(`<Arn>${w.user.arn}</Arn>`));
    assert.match(xml, /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });

  test('federation getSigninToken', async () => {
    const w = world();
    const role = await assume(w.keys, { RoleArn: w.plainRole, RoleSessionName: 'console' });
    const k = keysOf(role.Credentials);
    const signin = (keys: Keys, extra = '') =>
      fetch(
        `${emu.url}/federation?Action=getSigninToken&Session=${encodeURIComponent(
          JSON.stringify({
            sessionId: keys.accessKeyId,
            sessionKey: keys.secretAccessKey,
            sessionToken: keys.sessionToken,
          }),
        )}${extra}`,
      );
    const ok = await signin(k, '&SessionDuration=3600');
    assert.equal(ok.status, 200);
    const { SigninToken } = (await ok.json()) as { SigninToken: string };
    assert.ok(SigninToken.length > 100);
    assert.equal(emu.signinTokenPrincipal(SigninToken), role.AssumedRoleUser?.Arn);
    assert.equal(emu.signinTokenPrincipal('nope'), undefined);

    const bad = await signin({ ...k, secretAccessKey: 'wrong' });
    assert.equal(bad.status, 400);
    assert.ok((await bad.text()).length > 0);
    assert.equal((await signin(k, '&SessionDuration=60')).status, 400);
    const session = keysOf((await sts(w.keys).send(new GetSessionTokenCommand({}))).Credentials);
    assert.equal(
      (await signin(session)).status,
      400,
      'GetSessionToken credentials are not accepted for console sign-in',
    );
    const fed = keysOf((await sts(w.keys).send(new GetFederationTokenCommand({ Name: 'console-user' }))).Credentials);
    assert.equal((await signin(fed)).status, 200);
    emu.advance(3601);
    assert.equal((await signin(k)).status, 400, 'expired role credentials');
    assert.equal(emu.calls().filter((c) => c.action === 'getSigninToken' && c.accessKeyId === k.accessKeyId).length, 4);
  });

  test('control API and totp-code.ts for child processes', async () => {
    const w = world();
    const res = await fetch(`${emu.url}/__emulator/code?serial=${encodeURIComponent(w.serial)}`);
    assert.ok(recentCodes(w.serial).includes(await res.text()));
    assert.equal((await fetch(`${emu.url}/__emulator/code?serial=unknown`)).status, 404);

    const dir = mkdtempSync(join(tmpdir(), 'sts-emu-'));
    try {
      const counter = join(dir, 'count');
      const script = join(import.meta.dirname, 'totp-code.ts');
      const [a, b] = await Promise.all([
        run(process.execPath, [script, emu.url, w.serial, counter]),
        run(process.execPath, [script, emu.url, w.serial, counter]),
      ]);
      assert.match(a.stdout, /^\d{6}\n$/);
      assert.ok(recentCodes(w.serial).includes(a.stdout.trim()));
      assert.ok(recentCodes(w.serial).includes(b.stdout.trim()));
      assert.equal(readFileSync(counter, 'utf8').split('\n').filter(Boolean).length, 2);
      await sts(w.keys).send(new GetSessionTokenCommand({ SerialNumber: w.serial, TokenCode: a.stdout.trim() }));
      const failed = await run(process.execPath, [script, emu.url, 'arn:aws:iam::1:mfa/none']).catch(
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal((failed as { code: number }).code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'AWS CLI v2 accepts the emulator and passes signature checks',
    { skip: existsSync(AWS_CLI) ? false : `${AWS_CLI} is not installed` },
    async () => {
      const w = world();
      const role = await assume(w.keys, {
        RoleArn: w.mfaRole,
        RoleSessionName: 'cli-test',
        SerialNumber: w.serial,
        TokenCode: emu.currentCode(w.serial),
      });
      const k = keysOf(role.Credentials);
      const home = mkdtempSync(join(tmpdir(), 'sts-emu-home-'));
      const baseEnv = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_PAGER: '',
        AWS_EC2_METADATA_DISABLED: 'true',
      };
      const cli = (args: string[], keys: Keys) =>
        run(AWS_CLI, [...args, '--endpoint-url', emu.url, '--region', 'us-east-1', '--output', 'json'], {
          env: {
            ...baseEnv,
            AWS_ACCESS_KEY_ID: keys.accessKeyId,
            AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
            ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
          },
        });
      try {
        emu.advance(30); // a fresh TOTP step for the code used below
        const t0 = emu.now();
        const [who, session] = await Promise.all([
          cli(['sts', 'get-caller-identity'], k),
          cli(
            [
              'sts',
              'get-session-token',
              '--serial-number',
              w.serial,
              '--token-code',
              emu.currentCode(w.serial),
              '--duration-seconds',
              '900',
            ],
            w.keys,
          ),
        ]);
        const identity = JSON.parse(who.stdout) as { Arn: string; Account: string; UserId: string };
        assert.equal(identity.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/hc-master-${w.n}/cli-test`);
        assert.equal(identity.Account, OTHER_ACCOUNT);
        const creds = (JSON.parse(session.stdout) as { Credentials: { AccessKeyId: string; Expiration: string } })
          .Credentials;
        assert.match(creds.AccessKeyId, /^ASIA/);
        assertExpiresIn(creds.Expiration, 900, t0);

        const denied = await cli(['sts', 'get-caller-identity'], { ...k, secretAccessKey: 'wrong' }).catch(
          (e: { stderr: string }) => e,
        );
        assert.match((denied as { stderr: string }).stderr, /SignatureDoesNotMatch/);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});
