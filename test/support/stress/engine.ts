// The stress engine: runs rounds of scenarios in one world and collects their figures. Test support only.
import { judge, type StressReport } from './report.ts';
import { scenario, SCENARIOS, type ScenarioName } from './scenarios.ts';
import { createWorld } from './world.ts';

export interface StressOptions {
  rounds: number;
  /** Scenarios to run in each round (default: all). */
  scenarios?: readonly ScenarioName[];
  parallel: number;
  seed: number;
  /** Progress lines (one per scenario). */
  log?: (line: string) => void;
}

/** mulberry32: a small seeded PRNG, so that a run can be repeated with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runStress(options: StressOptions): Promise<StressReport> {
  const world = await createWorld();
  const random = prng(options.seed);
  const report: StressReport = {
    seed: options.seed,
    parallel: options.parallel,
    entries: world.entries,
    scenarios: [],
  };
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of options.scenarios ?? SCENARIOS) {
        const figures = await scenario(world, round, name, options.parallel, random);
        report.scenarios.push(figures);
        const problems = judge(figures);
        const victim = figures.victim
          ? `, victim ${figures.victim.signal}@${figures.victim.killedAtMs}ms ${figures.victim.phase}`
          : '';
        options.log?.(
          `round ${round} ${name}: ${figures.failures.length} failures, ${figures.prompts} prompt(s) ` +
            `(${figures.survivorPrompts} by survivors), ${figures.overlappingPrompts} ` +
            `overlapping, ${figures.corruptFiles} corrupt, ${(figures.wallMs / 1000).toFixed(1)} ` +
            `s${victim}${problems.length ? ` — ${problems.join('; ')}` : ''}`,
        );
      }
    }
  } finally {
    await world.box.cleanup();
  }
  return report;
}
