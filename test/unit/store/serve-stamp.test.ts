import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { requiredSeconds, SERVER_FLOOR_SECONDS, STATIC_KEYS_FLOOR_SECONDS } from '../../../src/session/margin.ts';
import { LAUNCHER_TRUST_SECONDS, SERVE_EXTRA_SECONDS } from '../../../src/store/ticket-format.ts';
import { renewLauncherTrust } from '../../../src/store/ticket-trust.ts';

test(
  'a minute before the ticket deadline leaves what credential-process requires, whatever ' +
    'TFMFA_MIN_TTL and lifetime',
  () => {
    assert.equal(SERVE_EXTRA_SECONDS, SERVER_FLOOR_SECONDS - STATIC_KEYS_FLOOR_SECONDS);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
        (minTtl, lifetime, expirationMs) => {
          // The ticket's deadline as writeTicket computes it for session-environment's margin.
          const deadline = Math.floor(
            (expirationMs - Math.max(requiredSeconds(minTtl, STATIC_KEYS_FLOOR_SECONDS, lifetime), minTtl) * 1000) /
              1000,
          );
          const serveUntil = deadline - SERVE_EXTRA_SECONDS;
          const left = expirationMs / 1000 - serveUntil;
          assert.ok(left >= requiredSeconds(minTtl, SERVER_FLOOR_SECONDS, lifetime), `served with ${left} s left`);
        },
      ),
      { numRuns: 2000 },
    );
  },
);

test('the .serve stamp: a minute before the deadline, or the trust window, whichever is sooner', () => {
  const cache = mkdtempSync(join(tmpdir(), 'tfmfa-serve-'));
  try {
    mkdirSync(join(cache, 'tickets'), { mode: 0o700 });
    const now = 1_800_000_000_000;
    renewLauncherTrust(cache, 'p', now / 1000 + 3600, now);
    assert.equal(statSync(join(cache, 'tickets', 'p.serve')).mtimeMs, now + LAUNCHER_TRUST_SECONDS * 1000);
    assert.equal(statSync(join(cache, 'tickets', 'p.deadline')).mtimeMs, now + LAUNCHER_TRUST_SECONDS * 1000);
    renewLauncherTrust(cache, 'p', now / 1000 + 30, now);
    assert.equal(statSync(join(cache, 'tickets', 'p.deadline')).mtimeMs, now + 30_000);
    assert.equal(
      statSync(join(cache, 'tickets', 'p.serve')).mtimeMs,
      now - 30_000,
      'already past for credential-process',
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
