import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Chain, RoleStep } from '../../../src/config/types.ts';
import { planChain } from '../../../src/session/strategy.ts';

const SERIAL = 'arn:aws:iam::222222222222:mfa/me';
const KEYS = { kind: 'static-keys', profile: 'base', accessKeyId: 'AKIABASE', secretAccessKey: 's' } as const;
const role = (name: string, extra: Partial<RoleStep> = {}): RoleStep => ({
  kind: 'role',
  profile: name,
  roleArn: `arn:aws:iam::111111111111:role/${name}`,
  roleSessionName: 'tfmfa-test-1',
  ...extra,
});
const chain = (extra: Partial<Chain>): Chain => ({
  profile: 'target',
  source: KEYS,
  roles: [],
  profiles: ['base', 'target'],
  ...extra,
});
const OPTIONS = { useSession: true, sessionTtlSeconds: 28800 };
const kinds = (c: Chain, o = OPTIONS) =>
  planChain(c, o).steps.map((s) =>
    s.kind === 'assume-role'
      ? `${s.kind}:${s.role.profile}:${s.durationSeconds ?? '-'}:${s.mfaSerial ? 'code' : 'nocode'}`
      : `${s.kind}:${s.durationSeconds}`,
  );

describe('session strategy', () => {
  test('long-term keys + MFA: one GetSessionToken, then roles chained from it without a code', () => {
    assert.deepEqual(kinds(chain({ mfaSerial: SERIAL, roles: [role('a'), role('b', { durationSeconds: 1800 })] })), [
      'get-session-token:28800',
      'assume-role:a:-:nocode',
      'assume-role:b:1800:nocode',
    ]);
  });

  test('every role on one device shares the session cache key and the lock', () => {
    const one = planChain(chain({ mfaSerial: SERIAL, roles: [role('a')] }), OPTIONS);
    const two = planChain(chain({ mfaSerial: SERIAL, roles: [role('b')] }), OPTIONS);
    assert.equal(one.steps[0]?.cacheKey, two.steps[0]?.cacheKey);
    assert.equal(one.lockKey, `mfa:${SERIAL}`);
    assert.equal(one.lockKey, two.lockKey);
    assert.notEqual(one.steps[1]?.cacheKey, two.steps[1]?.cacheKey);
  });

  test('role cache keys differ by external id and by source', () => {
    const a = planChain(chain({ mfaSerial: SERIAL, roles: [role('a', { externalId: 'x1' })] }), OPTIONS).steps[1]
      ?.cacheKey;
    const b = planChain(chain({ mfaSerial: SERIAL, roles: [role('a', { externalId: 'x2' })] }), OPTIONS).steps[1]
      ?.cacheKey;
    const c = planChain(
      chain({
        mfaSerial: SERIAL,
        source: { ...KEYS, accessKeyId: 'AKIAOTHER' },
        roles: [role('a', { externalId: 'x1' })],
      }),
      OPTIONS,
    ).steps[1]?.cacheKey;
    assert.equal(new Set([a, b, c]).size, 3);
  });

  test('a first role asking for more than an hour is assumed directly with the code', () => {
    const plan = planChain(
      chain({
        mfaSerial: SERIAL,
        roles: [role('long', { durationSeconds: 43200 }), role('next', { durationSeconds: 7200 })],
      }),
      OPTIONS,
    );
    assert.deepEqual(
      kinds(
        chain({
          mfaSerial: SERIAL,
          roles: [role('long', { durationSeconds: 43200 }), role('next', { durationSeconds: 7200 })],
        }),
      ),
      ['assume-role:long:43200:code', 'assume-role:next:3600:nocode'],
    );
    assert.equal(plan.clamped.length, 1, 'the chained hop asking for 2 h is lowered to 1 h and reported');
  });

  test('--no-session assumes the first role directly with the code', () => {
    assert.deepEqual(kinds(chain({ mfaSerial: SERIAL, roles: [role('a')] }), { ...OPTIONS, useSession: false }), [
      'assume-role:a:-:code',
    ]);
  });

  test('chained roles above an hour are lowered to an hour', () => {
    const plan = planChain(chain({ mfaSerial: SERIAL, roles: [role('a', { durationSeconds: 7200 })] }), {
      useSession: false,
      sessionTtlSeconds: 900,
    });
    assert.deepEqual(
      plan.steps.map((s) => s.kind === 'assume-role' && s.durationSeconds),
      [7200],
      'direct from long-term keys: the role maximum applies',
    );
    assert.deepEqual(
      kinds(chain({ mfaSerial: SERIAL, roles: [role('a'), role('b', { durationSeconds: 5400 })] })).slice(2),
      ['assume-role:b:3600:nocode'],
    );
  });

  test('keys + MFA device and no role: the MFA session itself', () => {
    assert.deepEqual(kinds(chain({ mfaSerial: SERIAL })), ['get-session-token:28800']);
  });

  test('no MFA: roles assumed straight from the keys; plain keys need no STS call', () => {
    assert.deepEqual(kinds(chain({ roles: [role('a', { durationSeconds: 7200 })] })), ['assume-role:a:7200:nocode']);
    assert.deepEqual(kinds(chain({})), []);
    assert.equal(planChain(chain({}), OPTIONS).lockKey, 'keys:AKIABASE');
  });

  test('temporary keys or a provider source: the first role carries the code and is chained (≤ 1 h)', () => {
    const temp = { ...KEYS, sessionToken: 'tok' };
    assert.deepEqual(kinds(chain({ source: temp, mfaSerial: SERIAL, roles: [role('a', { durationSeconds: 7200 })] })), [
      'assume-role:a:3600:code',
    ]);
    assert.deepEqual(kinds(chain({ source: { kind: 'sso', profile: 'sso' }, mfaSerial: SERIAL, roles: [role('a')] })), [
      'assume-role:a:-:code',
    ]);
  });
});
