// Load and concurrency: PARALLEL invocations per scenario through every entry (exec, credential-process, the Node
// shim, the shell launcher when built, exec --server), cold and warm caches, and a lock holder killed before its
// prompt, mid-prompt, mid-STS call and at random moments. The engine lives in test/support/stress/ and the
// full-size run in scripts/stress.ts (`npm run stress`); here TFMFA_STRESS_ROUNDS scales it (default 1 round, for CI).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge, renderTable, runStress } from '../support/stress/index.ts';

const ROUNDS = Number(process.env.TFMFA_STRESS_ROUNDS ?? 1);
const SEED = Number(process.env.TFMFA_STRESS_SEED ?? Date.now() % 2 ** 31);

test(
  `${ROUNDS} round(s) of 20 parallel invocations, cold, warm and with killed lock holders: 0 duplicate ` +
    `prompts, 0 corrupt files, 0 failures`,
  { timeout: 20 * 60_000 },
  async (t) => {
    const report = await runStress({ rounds: ROUNDS, parallel: 20, seed: SEED, log: (line) => t.diagnostic(line) });
    for (const line of renderTable(report).split('\n')) t.diagnostic(line);
    assert.ok(
      report.entries.includes('exec') &&
        report.entries.includes('credential-process') &&
        report.entries.includes('shim') &&
        report.entries.includes('server'),
    );
    assert.deepEqual(report.scenarios.flatMap(judge), [], `seed ${SEED} (TFMFA_STRESS_SEED to repeat)`);
  },
);
