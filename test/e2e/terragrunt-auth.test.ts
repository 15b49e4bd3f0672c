import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { runFakeTerragrunt, type UnitRun } from '../support/fake-terragrunt.ts';
import { CLI, createSandbox, ROLE_ARN, ROLE_B, ROLE_C, SERIAL, type Sandbox } from '../support/sandbox.ts';
import { terragruntAuthSchemaErrors } from '../support/terragrunt-auth-schema.ts';

const UNITS = 60;
const ROLES = [ROLE_ARN, ROLE_B, ROLE_C];

interface AuthOutput {
  awsCredentials: { ACCESS_KEY_ID: string; SECRET_ACCESS_KEY: string; SESSION_TOKEN?: string };
  envs: Record<string, string>;
}

function checkOutputs(runs: UnitRun[]): AuthOutput[] {
  return runs.map((run) => {
    assert.equal(run.exitCode, 0, `unit ${run.unit}: ${run.stderr}`);
    assert.equal(run.stdout.split('\n').length, 2, 'one line of JSON');
    assert.deepEqual(terragruntAuthSchemaErrors(run.json), [], `unit ${run.unit}: ${run.stdout}`);
    return run.json as AuthOutput;
  });
}

describe('tfmfa terragrunt-auth under a terragrunt stand-in', () => {
  let box: Sandbox;
  let terraform: { path: string; recordsFile: string };
  let shim: string;
  let env: Record<string, string>;
  const command = (unit: number) => [process.execPath, CLI, 'terragrunt-auth', `tg-${unit % ROLES.length}`];

  before(async () => {
    box = await createSandbox();
    box.writeConfig(
      ROLES.map(
        (arn, i) => `[profile tg-${i}]
source_profile = GEHC-000
role_arn = ${arn}
mfa_serial = ${SERIAL}
mfa_process = ${box.mfaProcess}
region = eu-west-3
${i === 0 ? 'external_id = 111111111111\n' : ''}`,
      ).join(''),
    );
    const bin = join(box.dir, 'bin');
    terraform = createFakeTool(bin, 'terraform');
    const shims = join(box.dir, 'shims');
    mkdirSync(shims);
    shim = join(shims, 'terraform');
    symlinkSync(CLI, shim);
    env = { ...box.env, PATH: `${shims}:${bin}:${box.env.PATH}` };
  });
  after(() => box.cleanup());

  test(
    `${UNITS} concurrent calls on a cold cache: one code, one GetSessionToken, one AssumeRole ` +
      `per role; terraform passes through the shim`,
    async () => {
      rmSync(box.cacheDir, { recursive: true, force: true });
      box.emu.resetCounts();
      box.emu.advance(30);
      const runsBefore = box.mfaProcessRuns();
      const runs = await runFakeTerragrunt({ units: UNITS, command, env, terraform: shim });
      const outputs = checkOutputs(runs);
      assert.equal(box.mfaProcessRuns() - runsBefore, 1, 'mfa_process runs');
      assert.equal(box.emu.count('GetSessionToken'), 1);
      assert.equal(box.emu.count('AssumeRole'), ROLES.length);
      const keysByRole = ROLES.map(
        (_, role) =>
          new Set(outputs.filter((_, unit) => unit % ROLES.length === role).map((o) => o.awsCredentials.ACCESS_KEY_ID)),
      );
      assert.deepEqual(
        keysByRole.map((keys) => keys.size),
        [1, 1, 1],
        'every unit of a role got the same session',
      );
      outputs.forEach((output, unit) => {
        assert.deepEqual(Object.keys(output), ['awsCredentials', 'envs']);
        assert.deepEqual(Object.keys(output.awsCredentials), ['ACCESS_KEY_ID', 'SECRET_ACCESS_KEY', 'SESSION_TOKEN']);
        assert.match(output.awsCredentials.ACCESS_KEY_ID, /^ASIA/);
        assert.deepEqual(output.envs, {
          AWS_REGION: 'eu-west-3',
          AWS_DEFAULT_REGION: 'eu-west-3',
          TFMFA_PROFILE: `tg-${unit % ROLES.length}`,
        });
      });
      // The shim saw the marker and the keys: terraform got exactly what terragrunt set, with no further STS call.
      const records = readRecords(terraform.recordsFile);
      assert.equal(records.length, UNITS);
      assert.ok(runs.every((run) => run.terraformExit === 0));
      const issued = new Set(outputs.map((o) => o.awsCredentials.ACCESS_KEY_ID));
      for (const record of records) {
        assert.ok(issued.has(record.env.AWS_ACCESS_KEY_ID ?? ''), 'terraform has a key terragrunt was given');
        assert.equal(record.env.AWS_SECURITY_TOKEN, record.env.AWS_SESSION_TOKEN);
        assert.match(record.env.TFMFA_PROFILE ?? '', /^tg-[0-2]$/);
      }
      assert.equal(box.emu.count(), 1 + ROLES.length);
    },
  );

  test(`${UNITS} concurrent calls on a warm cache: no STS call, no code`, async () => {
    box.emu.resetCounts();
    const runsBefore = box.mfaProcessRuns();
    const runs = await runFakeTerragrunt({ units: UNITS, command, env });
    const outputs = checkOutputs(runs);
    assert.equal(new Set(outputs.map((o) => o.awsCredentials.ACCESS_KEY_ID)).size, ROLES.length);
    assert.equal(box.emu.count(), 0);
    assert.equal(box.mfaProcessRuns() - runsBefore, 0);
  });

  test("PROFILE defaults to the shims' order; the region variables the environment has are left to it", async () => {
    const result = await box.tfmfa(['terragrunt-auth'], {
      env: { ...box.env, AWS_PROFILE: 'tg-1', AWS_REGION: 'ap-south-1' },
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const output = JSON.parse(result.stdout) as AuthOutput;
    assert.deepEqual(output.envs, { AWS_DEFAULT_REGION: 'ap-south-1', TFMFA_PROFILE: 'tg-1' });
    const fallback = await box.tfmfa(['terragrunt-auth'], {
      env: { ...box.env, TFMFA_DEFAULT_PROFILE: 'tg-2' },
      detached: true,
    });
    assert.equal((JSON.parse(fallback.stdout) as AuthOutput).envs.TFMFA_PROFILE, 'tg-2');
  });

  test('long-term keys come without SESSION_TOKEN; the output is the exact v2 bytes', async () => {
    const result = await box.tfmfa(['terragrunt-auth', 'GEHC-000'], { detached: true });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      `{"awsCredentials":{"ACCESS_KEY_ID":"${box.user.accessKeyId}",` +
        `"SECRET_ACCESS_KEY":"${box.user.secretAccessKey}"},` +
        `"envs":{"AWS_REGION":"us-west-2","AWS_DEFAULT_REGION":"us-west-2","TFMFA_PROFILE":"GEHC-000"}}`,
    );
  });

  test(
    'errors go to stderr with a non-zero exit and nothing on stdout (terragrunt fails on ' + 'empty output)',
    async () => {
      for (const args of [
        ['terragrunt-auth', 'nope'],
        ['terragrunt-auth', 'tg-0', 'extra'],
        ['terragrunt-auth', '--bogus'],
      ]) {
        const result = await box.tfmfa(args, { detached: true });
        assert.notEqual(result.exitCode, 0);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^tfmfa: /);
      }
    },
  );
});
