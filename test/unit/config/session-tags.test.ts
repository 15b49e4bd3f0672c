// aws-vault's session_tags / transitive_session_tags / source_identity as a profile has them: parsed as aws-vault
// does (comma-separated, key=value, spaces around trimmed), checked against STS's limits with one-line errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSourceIdentity, parseSessionTags, parseTransitiveTagKeys } from '../../../src/config/session-tags.ts';

test('session_tags', () => {
  assert.deepEqual(parseSessionTags('p', 'team=platform, cost-center = 42,empty='), [
    { key: 'team', value: 'platform' },
    { key: 'cost-center', value: '42' },
    { key: 'empty', value: '' },
  ]);
  assert.deepEqual(parseSessionTags('p', ' '), []);
  assert.throws(() => parseSessionTags('p', 'team'), /^UserError: profile 'p': session_tags has 'team', not key=value/);
  assert.throws(() => parseSessionTags('p', 'a=b=c'), /not key=value/);
  assert.throws(() => parseSessionTags('p', 'Team=a,team=b'), /the key 'team' twice/);
  assert.throws(() => parseSessionTags('p', 'bad!key=x'), /a tag key is 1 to 128/);
  assert.throws(() => parseSessionTags('p', `k=${'v'.repeat(257)}`), /a tag value is up to 256/);
  assert.throws(() => parseSessionTags('p', Array.from({ length: 51 }, (_, i) => `k${i}=v`).join(',')), /at most 50/);
});

test('transitive_session_tags and source_identity', () => {
  assert.deepEqual(parseTransitiveTagKeys('p', 'team, project ,'), ['team', 'project']);
  assert.throws(() => parseTransitiveTagKeys('p', 'ok,no!'), /transitive_session_tags has the key 'no!'/);
  assert.equal(checkSourceIdentity('p', ' alice@example.com '), 'alice@example.com');
  assert.throws(() => checkSourceIdentity('p', 'a'), /source_identity 'a' is not valid/);
  assert.throws(() => checkSourceIdentity('p', 'has space'), /source_identity/);
});
