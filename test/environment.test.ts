import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyChanges, hasSessionFor, mergeChanges, sessionChanges } from '../src/environment/changes.ts';
import { regionChanges } from '../src/environment/region.ts';

const CREDS = { accessKeyId: 'ASIAX', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2026-11-24T12:00:00Z') };

describe('child environment contract', () => {
  test('a session sets keys, expiry and the marker, and removes the profile variables', () => {
    const env = applyChanges({ AWS_PROFILE: 'p', AWS_DEFAULT_PROFILE: 'p', AWS_SECURITY_TOKEN: 'x', AWS_SESSION_EXPIRATION: 'x', OTHER: '1' }, sessionChanges(CREDS, 'prod'));
    assert.deepEqual(env, { OTHER: '1', AWS_ACCESS_KEY_ID: 'ASIAX', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', AWS_CREDENTIAL_EXPIRATION: '2026-11-24T12:00:00.000Z', TFMFA_PROFILE: 'prod' });
  });

  test('long-term keys leave no stale session token or expiry behind', () => {
    const env = applyChanges({ AWS_SESSION_TOKEN: 'old', AWS_CREDENTIAL_EXPIRATION: 'old' }, sessionChanges({ accessKeyId: 'AKIA', secretAccessKey: 's' }, 'p'));
    assert.equal(env.AWS_SESSION_TOKEN, undefined);
    assert.equal(env.AWS_CREDENTIAL_EXPIRATION, undefined);
  });

  test('region rule: AWS_REGION, else AWS_DEFAULT_REGION, else the profile; the missing one is filled', () => {
    assert.deepEqual(regionChanges({}, 'us-west-2').set, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-west-2' });
    assert.deepEqual(regionChanges({ AWS_REGION: 'eu-west-1' }, 'us-west-2').set, { AWS_DEFAULT_REGION: 'eu-west-1' });
    assert.deepEqual(regionChanges({ AWS_DEFAULT_REGION: 'ap-south-1' }, 'us-west-2').set, { AWS_REGION: 'ap-south-1' });
    assert.deepEqual(regionChanges({}, undefined).set, {});
  });

  test('mergeChanges: a later set wins over an earlier unset of the same name', () => {
    assert.deepEqual(mergeChanges({ set: {}, unset: ['A', 'B'] }, { set: { A: '1' }, unset: [] }), { set: { A: '1' }, unset: ['B'] });
  });

  test('the marker counts only with keys or a credential endpoint, for the named profile', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' };
    const endpoint = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/c', AWS_CONTAINER_AUTHORIZATION_TOKEN: 't' };
    assert.equal(hasSessionFor({ TFMFA_PROFILE: 'p', ...keys }, 'p'), true);
    assert.equal(hasSessionFor({ TFMFA_PROFILE: 'p', ...endpoint }), true, 'exec --server children count as a session');
    assert.equal(hasSessionFor({ AWS_VAULT: 'p', ...keys }, 'p'), true);
    assert.equal(hasSessionFor({ TFMFA_PROFILE: 'p', ...keys }, 'q'), false);
    assert.equal(hasSessionFor({ TFMFA_PROFILE: 'p' }), false);
    assert.equal(hasSessionFor({ ...keys }), false);
  });
});
