import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { CLI, createSandbox, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

const HOOK = join(ROOT, 'test', 'support', 'record-imports.mjs');
const HEAVY = '/node_modules/(@aws-sdk|@napi-rs|execa|prompts|proper-lockfile)/';

describe('the hot path loads no heavy module', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  let shimDir: string;
  const log = () => join(box.dir, 'imports.log');
  const loaded = () => (existsSync(log()) ? readFileSync(log(), 'utf8').split('\n').filter(Boolean) : []);
  const tracedEnv = (extra: Record<string, string> = {}) => ({ ...box.env, NODE_OPTIONS: `--import=${HOOK}`, RECORD_IMPORTS_LOG: log(), RECORD_IMPORTS_MATCH: HEAVY, ...extra });

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
    const cold = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', tool.path], { env: tracedEnv() });
    assert.equal(cold.exitCode, 0, cold.stderr);
    assert.ok(loaded().some((line) => line.includes('/@aws-sdk/client-sts/')), loaded().join('\n'));
  });

  test('exec and credential-process served from the cache import no AWS SDK', async () => {
    rmSync(log(), { force: true });
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], { env: tracedEnv(), detached: true });
    assert.equal(warm.exitCode, 0, warm.stderr);
    const process = await box.tfmfa(['credential-process', 'GEHC-056'], { env: tracedEnv(), detached: true });
    assert.equal(process.exitCode, 0, process.stderr);
    assert.deepEqual(loaded().filter((line) => line.includes('@aws-sdk')), []);
  });

  test('the Node shim with a ticket imports none of the AWS SDK, execa, prompts or proper-lockfile', async () => {
    rmSync(log(), { force: true });
    const env = tracedEnv({ AWS_PROFILE: 'GEHC-056', PATH: `${shimDir}:${join(box.dir, 'bin')}:${box.env.PATH}` });
    const run = await execa(join(shimDir, 'terraform'), ['plan'], { env, extendEnv: false, reject: false, detached: true, stdin: 'ignore' });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(readRecords(tool.recordsFile).at(-1)?.env.TFMFA_PROFILE, 'GEHC-056');
    assert.deepEqual(loaded(), []);
  });
});
