// Judging a scenario's figures and printing a run as a table. Test support only.
import type { ScenarioFigures } from './scenarios.ts';
import type { Entry } from './world.ts';

export interface StressReport {
  seed: number;
  parallel: number;
  entries: Entry[];
  scenarios: ScenarioFigures[];
}

/** Problems with a scenario's figures (empty when it passed). */
export function judge(s: ScenarioFigures): string[] {
  const problems: string[] = [];
  const at = `round ${s.round} ${s.scenario}`;
  if (s.failures.length) problems.push(`${at}: ${s.failures.length} failed invocation(s): ${s.failures.join('; ')}`);
  const timeline = () => `prompts: ${s.timeline.join(', ')}`;
  if (s.overlappingPrompts)
    problems.push(`${at}: ${s.overlappingPrompts} pair(s) of prompts ran at the same time (${timeline()})`);
  if (s.corruptFiles) problems.push(`${at}: ${s.corruptFiles} corrupt cache file(s)`);
  if (s.scenario === 'cold') {
    if (s.prompts !== 1) problems.push(`${at}: ${s.prompts} prompts, expected 1`);
    if (s.getSessionTokenOk !== 1 || s.assumeRoleOk !== 3)
      problems.push(`${at}: ${s.getSessionTokenOk} GetSessionToken and ${s.assumeRoleOk} AssumeRole, expected 1 and 3`);
    if (s.tempFiles) problems.push(`${at}: ${s.tempFiles} temp file(s) left without any process killed`);
  } else if (s.scenario === 'warm') {
    if (s.prompts !== 0 || s.stsCalls !== 0)
      problems.push(`${at}: ${s.prompts} prompts and ${s.stsCalls} STS calls on a warm cache, expected none`);
    if (s.tempFiles) problems.push(`${at}: ${s.tempFiles} temp file(s) left without any process killed`);
  } else {
    if (s.survivorPrompts > 1)
      problems.push(`${at}: the survivors prompted ${s.survivorPrompts} times, expected at most 1 (${timeline()})`);
    if (s.getSessionTokenOk > 2)
      problems.push(`${at}: ${s.getSessionTokenOk} successful GetSessionToken calls (victim + survivors ≤ 2)`);
  }
  return problems;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export function renderTable(report: StressReport): string {
  const header = [
    'round',
    'scenario',
    'n',
    'fail',
    'prompts',
    'by survivors',
    'overlap',
    'GetSessionToken',
    'AssumeRole',
    'corrupt',
    'temp',
    'victim',
    'wall s',
    'p50 ms',
    'p95 ms',
    'max ms',
  ];
  const rows = report.scenarios.map((s) => [
    String(s.round),
    s.scenario,
    String(s.invocations),
    String(s.failures.length),
    String(s.prompts),
    String(s.survivorPrompts),
    String(s.overlappingPrompts),
    String(s.getSessionTokenOk),
    String(s.assumeRoleOk),
    String(s.corruptFiles),
    String(s.tempFiles),
    s.victim ? `${s.victim.signal}@${s.victim.killedAtMs}ms ${s.victim.phase}` : '-',
    (s.wallMs / 1000).toFixed(1),
    String(percentile(s.latenciesMs, 50)),
    String(percentile(s.latenciesMs, 95)),
    String(Math.max(0, ...s.latenciesMs)),
  ]);
  const all = report.scenarios;
  const sum = (f: (s: ScenarioFigures) => number) => String(all.reduce((n, s) => n + f(s), 0));
  rows.push([
    'all',
    `${all.length} scenarios`,
    sum((s) => s.invocations),
    sum((s) => s.failures.length),
    sum((s) => s.prompts),
    sum((s) => s.survivorPrompts),
    sum((s) => s.overlappingPrompts),
    sum((s) => s.getSessionTokenOk),
    sum((s) => s.assumeRoleOk),
    sum((s) => s.corruptFiles),
    sum((s) => s.tempFiles),
    `${all.filter((s) => s.victim).length} killed`,
    (all.reduce((n, s) => n + s.wallMs, 0) / 1000).toFixed(1),
    String(
      percentile(
        all.flatMap((s) => s.latenciesMs),
        50,
      ),
    ),
    String(
      percentile(
        all.flatMap((s) => s.latenciesMs),
        95,
      ),
    ),
    String(Math.max(0, ...all.flatMap((s) => s.latenciesMs))),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i <= 1 || i === 11 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  return [
    `tfmfa stress: seed ${report.seed}, ${report.parallel} parallel invocations per scenario ` +
      `over ${report.entries.join(', ')}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
