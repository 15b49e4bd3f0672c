import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { execa } from 'execa';
import { shQuote } from '../../src/output/quoting.ts';
import { CLI, createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';

describe('tfmfa credential-process', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    const command = [process.execPath, CLI, 'credential-process', 'GEHC-056'].map(shQuote).join(' ');
    writeFileSync(
      box.env.AWS_CONFIG_FILE as string,
      `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}
[profile tf]
region = us-west-2
credential_process = ${command}
`,
    );
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  test('stdout carries only the credential_process contract; a warm session costs no STS call', async () => {
    box.emu.advance(30);
    const first = await box.tfmfa(['credential-process', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL)]);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(first.stderr, '');
    assert.equal(first.stdout.split('\n').length, 1, 'one line of JSON');
    const json = JSON.parse(first.stdout) as Record<string, string | number>;
    assert.deepEqual(Object.keys(json), ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
    assert.equal(json.Version, 1);
    assert.match(String(json.Expiration), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(box.emu.count(), 2);
    const warm = await box.tfmfa(['credential-process', 'GEHC-056'], { detached: true });
    assert.equal(warm.exitCode, 0, warm.stderr);
    assert.equal(JSON.parse(warm.stdout).AccessKeyId, json.AccessKeyId);
    assert.equal(box.emu.count(), 2);
  });

  test('errors go to stderr with a non-zero exit and nothing on stdout', async () => {
    for (const args of [
      ['credential-process', 'nope'],
      ['credential-process'],
      ['credential-process', 'GEHC-056', 'extra'],
    ]) {
      const result = await box.tfmfa(args, { detached: true });
      assert.notEqual(result.exitCode, 0);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^tfmfa: /);
    }
  });

  test('a static-key profile yields its keys without SessionToken or Expiration', async () => {
    const result = await box.tfmfa(['credential-process', 'GEHC-000']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      Version: 1,
      AccessKeyId: box.user.accessKeyId,
      SecretAccessKey: box.user.secretAccessKey,
    });
  });

  test('--config-file / --credentials-file read those files whatever AWS_CONFIG_FILE says', async () => {
    const result = await box.tfmfa(
      [
        'credential-process',
        'GEHC-056',
        '--config-file',
        box.env.AWS_CONFIG_FILE as string,
        '--credentials-file',
        box.env.AWS_SHARED_CREDENTIALS_FILE as string,
      ],
      {
        env: { ...box.env, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent' },
        detached: true,
      },
    );
    assert.equal(result.exitCode, 0, result.stderr);
  });

  test(
    'the Debian AWS CLI runs it as a real credential_process consumer',
    { skip: !existsSync(AWS_CLI) && 'no AWS CLI' },
    async () => {
      const result = await execa(
        AWS_CLI,
        ['sts', 'get-caller-identity', '--profile', 'tf', '--endpoint-url', box.emu.url, '--output', 'json'],
        { env: box.env, extendEnv: false, reject: false, detached: true },
      );
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(JSON.parse(result.stdout).Arn, /^arn:aws:sts::111111111111:assumed-role\/hc-master\/tfmfa-/);
      assert.equal(box.emu.count('GetSessionToken') + box.emu.count('AssumeRole'), 0, 'served from the cache');
    },
  );
});

describe('tfmfa export', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    box.emu.advance(30);
    const warm = await box.tfmfa(['credential-process', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL)]);
    assert.equal(warm.exitCode, 0, warm.stderr);
  });
  after(() => box.cleanup());

  test('sh: eval in bash sets the exec variables and unsets the profile ones', async () => {
    const script =
      `eval "$(${shQuote(process.execPath)} ${shQuote(CLI)} export GEHC-056)"; env | grep -E ` +
      `'^(AWS_|TFMFA_PROFILE)' | sort`;
    const result = await execa('bash', ['-c', script], {
      env: { ...box.env, AWS_PROFILE: 'GEHC-056', AWS_SECURITY_TOKEN: 'stale' },
      extendEnv: false,
      reject: false,
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const vars = Object.fromEntries(result.stdout.split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2)));
    assert.match(vars.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    assert.ok(vars.AWS_SECRET_ACCESS_KEY && vars.AWS_SESSION_TOKEN && vars.AWS_CREDENTIAL_EXPIRATION);
    assert.equal(vars.AWS_REGION, 'us-west-2');
    assert.equal(vars.AWS_DEFAULT_REGION, 'us-west-2');
    assert.equal(vars.TFMFA_PROFILE, 'GEHC-056');
    assert.equal(vars.AWS_PROFILE, undefined);
    assert.equal(vars.AWS_SECURITY_TOKEN, undefined);
  });

  test('json is the credential_process shape; fish, powershell and dotenv use their own syntax', async () => {
    const json = await box.tfmfa(['export', 'GEHC-056', '--format', 'json'], { detached: true });
    assert.equal(JSON.parse(json.stdout).Version, 1);
    const fish = await box.tfmfa(['export', 'GEHC-056', '--format', 'fish'], { detached: true });
    assert.match(fish.stdout, /^set -e AWS_PROFILE$/m);
    assert.match(fish.stdout, /^set -gx AWS_ACCESS_KEY_ID 'ASIA[A-Z0-9]+'$/m);
    const ps = await box.tfmfa(['export', 'GEHC-056', '-f', 'powershell'], { detached: true });
    assert.match(ps.stdout, /^\$Env:AWS_SESSION_TOKEN = '[^']+'$/m);
    assert.match(ps.stdout, /^Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m);
    const dotenv = await box.tfmfa(['export', 'GEHC-056', '--format=dotenv'], { detached: true });
    assert.match(dotenv.stdout, /^AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]+'$/m);
    assert.doesNotMatch(dotenv.stdout, /AWS_PROFILE/);
    const bad = await box.tfmfa(['export', 'GEHC-056', '--format', 'csh'], { detached: true });
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /unknown format 'csh': use one of sh, fish, powershell, dotenv, json/);
  });
});
