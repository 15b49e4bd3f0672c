// tfmfa on a Node it does not support (this machine's own /usr/bin/node is 20): one line saying so and what
// to install, in command mode and shim mode, and never the AWS SDK's nine-line NodeVersionSupportWarning.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { unsupportedNodeNotice } from '../../src/node-support.ts';
import { CLI, createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

const SYSTEM_NODE = '/usr/bin/node';
const systemVersion = existsSync(SYSTEM_NODE) ? (await execa(SYSTEM_NODE, ['-p', 'process.versions.node'])).stdout : '';
const skip = !systemVersion
  ? 'no /usr/bin/node'
  : unsupportedNodeNotice(systemVersion) === null
    ? `/usr/bin/node is ${systemVersion}, a supported version`
    : false;

test('the supported range: 22.15 and newer', () => {
  for (const version of ['22.15.0', '22.20.1', '23.0.0', '24.21.0', 'v26.1.0'])
    assert.equal(unsupportedNodeNotice(version), null, version);
  for (const version of ['22.14.9', '20.20.2', 'v18.0.0', '0.10.48']) {
    assert.equal(
      unsupportedNodeNotice(version),
      `tfmfa: Node ${version.replace(/^v/, '')} is not supported (tfmfa needs Node 22.15 or newer): install ` +
        `Node 24 LTS and put it first on PATH`,
    );
  }
});

describe(`tfmfa run by an unsupported Node (${SYSTEM_NODE} ${systemVersion})`, { skip }, () => {
  let box: Sandbox;
  /** PATH with the unsupported Node's directory first, as on the user's machine. */
  let env: Record<string, string>;
  before(async () => {
    box = await createSandbox();
    env = { ...box.env, PATH: `/usr/bin:/bin` };
  });
  after(() => box.cleanup());
  const notice = () => unsupportedNodeNotice(systemVersion) as string;

  test('--version: the version, and the one line', async () => {
    const result = await execa(SYSTEM_NODE, [CLI, '--version'], { env, extendEnv: false, reject: false });
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^tfmfa \d+\.\d+\.\d+/);
    assert.equal(result.stderr, notice());
  });

  test('a command that calls STS: one line, no SDK warning', async () => {
    box.emu.advance(30);
    const result = await execa(
      SYSTEM_NODE,
      [CLI, 'exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true'],
      { env, extendEnv: false, reject: false, stdin: 'ignore' },
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stderr, notice());
  });

  test(
    'shim mode (a symlink named aws, the Debian AWS CLI behind it): the same one line',
    { skip: !existsSync('/usr/bin/aws') && 'the AWS CLI is not installed' },
    async () => {
      const shims = join(box.dir, 'shims');
      mkdirSync(shims, { recursive: true });
      if (!existsSync(join(shims, 'aws'))) symlinkSync(CLI, join(shims, 'aws'));
      const result = await execa(join(shims, 'aws'), ['--version'], {
        env: { ...env, PATH: `${shims}:/usr/bin:/bin` },
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, notice());
      assert.match(result.stdout, /^aws-cli\//);
    },
  );
});
