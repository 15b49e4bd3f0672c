/**
 * The stress engine behind `npm run stress` (scripts/stress.ts, full size) and test/stress.test.ts (scaled down):
 * tfmfa under load against the STS emulator.
 *
 * Each round runs these scenarios, each with PARALLEL invocations spread over every entry (exec,
 * credential-process, the Node shim, the shell launcher if built, exec --server with a child that fetches
 * credentials) and over three roles on one MFA device:
 *
 *   cold               empty cache: exactly one prompt (mfa_process run), one GetSessionToken, one AssumeRole per role
 *   warm               the same again: no prompt, no STS call
 *   kill-before-prompt a victim started with the others is killed 0–400 ms in (mostly before its prompt)
 *   kill-mid-prompt    the victim holds the MFA lock inside a 5 s mfa_process when it is killed
 *   kill-mid-sts       the victim's GetSessionToken hangs (emulator fault) when it is killed
 *   kill-mid-write     the victim is killed 0–2000 ms after its mfa_process answered (its STS calls and cache writes)
 *
 * Victims are killed as a process group (tfmfa and its mfa_process), with SIGKILL, SIGTERM, SIGHUP or SIGINT.
 * After every scenario: every invocation but the victim must have succeeded, no two prompts may have run at the
 * same time while their holders lived, and every cache entry must parse. Figures are printed as a table.
 *
 *   world.ts      the sandbox, the profiles, the logging mfa_process, and starting tfmfa through each entry
 *   scenarios.ts  the scenarios and the figures each yields
 *   report.ts     judging figures, and the table
 *   engine.ts     runStress: rounds of scenarios in one world
 */
export { runStress, type StressOptions } from './engine.ts';
export { judge, renderTable, type StressReport } from './report.ts';
export { SCENARIOS, type ScenarioFigures, type ScenarioName, type VictimFigures } from './scenarios.ts';
export type { Entry } from './world.ts';
