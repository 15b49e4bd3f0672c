import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAwsFiles } from '../../../src/config/load.ts';
import { resolveChain } from '../../../src/config/resolve.ts';
import { planChain } from '../../../src/session/strategy.ts';
import { finalCacheKey } from '../../../src/views/sessions.ts';
import { writeAwsFiles } from '../../support/aws-files.ts';

// Issue 11: every AssumeRole input is in the role's cache key, and the per-run default session name is not.
const CONFIG = `[profile base]
mfa_serial = arn:aws:iam::222222222222:mfa/me
[profile plain]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/deploy
[profile named]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/deploy
role_session_name = ci-runner
[profile other-name]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/deploy
role_session_name = someone-else
[profile short]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/deploy
duration_seconds = 900
[profile external]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/deploy
external_id = x-1
`;
const CREDENTIALS = '[base]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n';

async function keysAt(nowMs: number): Promise<Record<string, string | undefined>> {
  const fixture = writeAwsFiles(CONFIG, CREDENTIALS);
  try {
    const files = await loadAwsFiles(fixture);
    const keys: Record<string, string | undefined> = {};
    for (const profile of ['plain', 'named', 'other-name', 'short', 'external']) {
      const chain = resolveChain(files, profile, { user: 'alice', nowMs });
      keys[profile] = planChain(chain, { useSession: true, sessionTtlSeconds: 3600 }).steps.at(-1)?.cacheKey;
      assert.equal(finalCacheKey(chain), keys[profile], 'list/clear derive the same key as the run');
    }
    return keys;
  } finally {
    fixture.cleanup();
  }
}

describe('role cache key', () => {
  test('profiles on one role that differ in session name, duration or external id never share a session', async () => {
    const keys = await keysAt(Date.UTC(2026, 10, 24, 12));
    assert.equal(new Set(Object.values(keys)).size, 5, JSON.stringify(keys, null, 1));
  });

  test('the default session name (it has the time in it) does not change the key between runs', async () => {
    const first = await keysAt(Date.UTC(2026, 10, 24, 12));
    const later = await keysAt(Date.UTC(2026, 10, 24, 13));
    assert.deepEqual(later, first);
  });
});
