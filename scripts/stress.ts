/**
 * `npm run stress`: tfmfa under load against the STS emulator, full size (the engine and its scenarios live in
 * test/support/stress/; test/e2e/stress.test.ts runs the same engine scaled down).
 *
 *   node scripts/stress.ts [--rounds N] [--parallel N] [--seed N] [--only SCENARIO,...]
 *   (env: TFMFA_STRESS_ROUNDS, TFMFA_STRESS_SEED)
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CLI } from '../test/support/sandbox.ts';
import { judge, renderTable, runStress, SCENARIOS, type ScenarioName } from '../test/support/stress/index.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    parallel: { type: 'string' },
    seed: { type: 'string' },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',').map((name) => name.trim()) as ScenarioName[] | undefined;
const unknown = only?.filter((name) => !SCENARIOS.includes(name)) ?? [];
if (unknown.length) {
  process.stderr.write(`stress: unknown scenario(s) ${unknown.join(', ')}: use ${SCENARIOS.join(', ')}\n`);
  process.exit(2);
}
const rounds = Number(values.rounds ?? process.env.TFMFA_STRESS_ROUNDS ?? 5);
const parallel = Number(values.parallel ?? 20);
const seed = Number(values.seed ?? process.env.TFMFA_STRESS_SEED ?? Date.now() % 2 ** 31);
if (!existsSync(CLI)) {
  process.stderr.write('stress: dist/cli.js is missing: run npm run build first\n');
  process.exit(2);
}
const report = await runStress({
  rounds,
  parallel,
  seed,
  ...(only ? { scenarios: only } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderTable(report)}\n`);
const problems = report.scenarios.flatMap(judge);
if (problems.length) {
  process.stdout.write(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('\nno problems: 0 failures, 0 overlapping prompts, 0 corrupt cache files\n');
}
