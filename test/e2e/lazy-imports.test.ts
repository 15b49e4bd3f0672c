import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { CLI, createSandbox, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

const HOOK = join(ROOT, 'test', 'support', 'record-imports.mjs');
// Unbundled, the packages themselves; bundled (scripts/bundle.ts), the dist/vendor-* files that hold them.
const HEAVY_PACKAGES = '(@aws-sdk|@napi-rs|execa|prompts|proper-lockfile)/';
const HEAVY = `/node_modules/${HEAVY_PACKAGES}|/dist/vendor-`;

describe('the hot path loads no heavy module', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  let shimDir: string;
  const log = () => join(box.dir, 'imports.log');
  const loaded = () => (existsSync(log()) ? readFileSync(log(), 'utf8').split('\n').filter(Boolean) : []);
  const tracedEnv = (extra: Record<string, string> = {}) => ({
    ...box.env,
    NODE_OPTIONS: `--import=${HOOK}`,
    RECORD_IMPORTS_LOG: log(),
    RECORD_IMPORTS_MATCH: HEAVY,
    ...extra,
  });

  before(async () => {
    box = await createSandbox();
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
    shimDir = join(box.dir, 'shims');
    mkdirSync(shimDir);
    symlinkSync(CLI, join(shimDir, 'terraform'));
  });
  after(() => box.cleanup());

  test('a cold run does load the SDK (so the hook sees loads at all)', async () => {
    box.emu.advance(30);
    const cold = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', tool.path], {
      env: tracedEnv(),
    });
    assert.equal(cold.exitCode, 0, cold.stderr);
    assert.ok(
      loaded().some((line) => /\/@aws-sdk\/client-sts\/|\/dist\/vendor-aws-sdk-client-sts\.mjs$/.test(line)),
      loaded().join('\n'),
    );
  });

  test('exec and credential-process served from the cache import no AWS SDK', async () => {
    rmSync(log(), { force: true });
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], { env: tracedEnv(), detached: true });
    assert.equal(warm.exitCode, 0, warm.stderr);
    const process = await box.tfmfa(['credential-process', 'GEHC-056'], { env: tracedEnv(), detached: true });
    assert.equal(process.exitCode, 0, process.stderr);
    assert.deepEqual(
      loaded().filter((line) => /@aws-sdk|vendor-aws-sdk/.test(line)),
      [],
    );
  });

  test('the Node shim with a ticket imports none of the AWS SDK, execa, prompts or proper-lockfile', async () => {
    rmSync(log(), { force: true });
    const env = tracedEnv({ AWS_PROFILE: 'GEHC-056', PATH: `${shimDir}:${join(box.dir, 'bin')}:${box.env.PATH}` });
    const run = await execa(join(shimDir, 'terraform'), ['plan'], {
      env,
      extendEnv: false,
      reject: false,
      detached: true,
      stdin: 'ignore',
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(readRecords(tool.recordsFile).at(-1)?.env.TFMFA_PROFILE, 'GEHC-056');
    assert.deepEqual(loaded(), []);
  });

  test(
    'a shim with a session in its environment (the marker path) loads dist/cli.js and ' +
      'dist/hot.js, no other file of dist/',
    async () => {
      rmSync(log(), { force: true });
      const marker = { TFMFA_PROFILE: 'GEHC-056', AWS_ACCESS_KEY_ID: 'ASIAMARKER', AWS_SECRET_ACCESS_KEY: 'secret' };
      const env = tracedEnv({
        ...marker,
        RECORD_IMPORTS_MATCH: '/dist/[^/]+$',
        PATH: `${shimDir}:${join(box.dir, 'bin')}:${box.env.PATH}`,
      });
      const run = await execa(join(shimDir, 'terraform'), ['plan'], {
        env,
        extendEnv: false,
        reject: false,
        detached: true,
        stdin: 'ignore',
      });
      assert.equal(run.exitCode, 0, run.stderr);
      assert.equal(readRecords(tool.recordsFile).at(-1)?.env.AWS_ACCESS_KEY_ID, 'ASIAMARKER');
      assert.deepEqual(
        loaded().map((line) => line.replace(/^\d+ .*\/dist\//, '')),
        ['cli.js', 'hot.js'],
      );
    },
  );

  test('a shim with a valid ticket (the ticket path) also loads dist/cli.js and dist/hot.js only', async () => {
    rmSync(log(), { force: true });
    const env = tracedEnv({
      AWS_PROFILE: 'GEHC-056',
      RECORD_IMPORTS_MATCH: '/dist/[^/]+$',
      PATH: `${shimDir}:${join(box.dir, 'bin')}:${box.env.PATH}`,
    });
    const run = await execa(join(shimDir, 'terraform'), ['plan'], {
      env,
      extendEnv: false,
      reject: false,
      detached: true,
      stdin: 'ignore',
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(readRecords(tool.recordsFile).at(-1)?.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    assert.deepEqual([...new Set(loaded().map((line) => line.replace(/^\d+ .*\/dist\//, '')))], ['cli.js', 'hot.js']);
  });

  // The commands users rarely run, and what only they use (scripts/bundle.ts keeps them in dist/command-*.mjs).
  const RARE_SOURCES = new RegExp(
    'src/commands/(add|completion|doctor|import|import-aws-vault|login|remove|rotate|shim)\\.ts$' +
      '|src/doctor/|src/keystore/aws-vault/',
  );
  const sourcesOf = (files: string[]) =>
    files.flatMap((file) => {
      const map = `${file.replace(/^\d+ file:\/\//, '')}.map`;
      return (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources;
    });

  test('exec, credential-process, export, list and server mode load no rarely run command', async () => {
    rmSync(log(), { force: true });
    const env = tracedEnv({ RECORD_IMPORTS_MATCH: '/dist/[^/]+$' });
    const serverMode: Record<string, string | undefined> = {
      ...env,
      AWS_PROFILE: 'GEHC-056',
      PATH: `${shimDir}:${join(box.dir, 'bin')}:${box.env.PATH}`,
    };
    delete serverMode.TFMFA_LONG_RUN; // the sandbox turns server mode off
    box.emu.advance(30);
    const runs = [
      await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', tool.path], { env }),
      await box.tfmfa(['credential-process', 'GEHC-056'], { env }),
      await box.tfmfa(['export', 'GEHC-056'], { env }),
      await box.tfmfa(['list'], { env }),
      await execa(join(shimDir, 'terraform'), ['apply'], {
        env: serverMode,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      }),
    ];
    for (const run of runs) assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(readRecords(tool.recordsFile).at(-1)?.argv.at(-1), 'apply');
    const sources = sourcesOf([...new Set(loaded())]);
    assert.ok(
      sources.some((source) => source.endsWith('src/commands/exec.ts')),
      'the maps list the bundled sources',
    );
    assert.deepEqual(
      sources.filter((source) => RARE_SOURCES.test(source)),
      [],
    );
  });

  test('a rarely run command (doctor) loads its own file, and it works', async () => {
    rmSync(log(), { force: true });
    const doctor = await box.tfmfa(['doctor'], { env: tracedEnv({ RECORD_IMPORTS_MATCH: '/dist/[^/]+$' }) });
    assert.ok(
      sourcesOf([...new Set(loaded())]).some((source) => source.endsWith('src/commands/doctor.ts')),
      `${doctor.stdout}${doctor.stderr}`,
    );
  });

  test(
    'the bundle keeps them out of the files every start loads (dist/cli.js, dist/hot.js): their ' +
      'source maps name none',
    () => {
      const sources = ['cli.js.map', 'hot.js.map'].flatMap(
        (map) => (JSON.parse(readFileSync(join(ROOT, 'dist', map), 'utf8')) as { sources: string[] }).sources,
      );
      assert.ok(
        sources.some((source) => source.endsWith('src/shim/run.ts')),
        'the maps list the bundled sources',
      );
      assert.deepEqual(
        sources.filter((source) => new RegExp(`node_modules/${HEAVY_PACKAGES}`).test(source)),
        [],
      );
    },
  );
});
