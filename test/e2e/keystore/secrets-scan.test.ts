// After add, import and rotate (with TFMFA_DEBUG=1), no long-term secret is in any file under the sandbox (HOME,
// the cache, TMPDIR, the key store directory: the vault is encrypted), in any process's command line while tfmfa
// runs, in tfmfa's output, or in the environment, overlay or credential_process output of a child.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileBackend } from '../../../src/keystore/file-backend.ts';
import type { TfmfaResult } from '../../support/sandbox.ts';
import { commandLinesContaining, createKeystoreSandbox, filesContaining, PASSPHRASE } from './support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;

/** The child: records its environment, every command line on the machine, and runs the overlay's credential_process. */
const CHILD = String.raw`
const fs = require('fs'); const cp = require('child_process');
const cmdlines = () => fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => {
  try { return fs.readFileSync('/proc/' + p + '/cmdline', 'utf8'); } catch { return ''; }
});
const overlay = fs.readFileSync(process.env.AWS_CONFIG_FILE, 'utf8');
const command = new RegExp('\\[profile ' + process.env.PROBE_PROFILE + '\\]\\ncredential_process = (.*)')
  .exec(overlay)?.[1];
const seen = cmdlines();
let out = '';
if (command) {
  const child = cp.spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (out += d));
  const timer = setInterval(() => seen.push(...cmdlines()), 3);
  child.on('exit', () => { clearInterval(timer); done(); });
} else done();
function done() {
  fs.writeFileSync(process.env.PROBE_OUT,
    JSON.stringify({ env: process.env, overlay, cmdlines: seen, credentialProcess: out, command }));
}
`;

describe('long-term keys from the store leak nowhere', () => {
  let box: Box;
  let outDir: string;
  const secrets = new Map<string, string>();
  const outputs: string[] = [];
  const cmdlineHits: string[] = [];

  /** Runs tfmfa while watching every command line on the machine. */
  async function run(args: string[], env: Record<string, string> = {}): Promise<TfmfaResult> {
    const running = box.tfmfa(args, { env: { ...box.env, TFMFA_DEBUG: '1', ...env } });
    let finished = false;
    void running.finally(() => {
      finished = true;
    });
    while (!finished) {
      for (const secret of secrets.values()) cmdlineHits.push(...commandLinesContaining(secret));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const result = await running;
    outputs.push(`${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
    return result;
  }

  before(async () => {
    box = await createKeystoreSandbox();
    outDir = mkdtempSync(join(tmpdir(), 'tfmfa-scan-out-'));
    secrets.set('GEHC-000 (imported)', box.user.secretAccessKey);
  });
  after(async () => {
    await box.cleanup();
    rmSync(outDir, { recursive: true, force: true });
  });

  test('add, import, rotate, then sessions from each', async () => {
    const dana = box.emu.addUser({ userName: 'dana', accountId: '222222222222' });
    secrets.set('dana (added)', dana.secretAccessKey);
    const add = await run(['add', 'dana', '--env'], {
      AWS_ACCESS_KEY_ID: dana.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dana.secretAccessKey,
    });
    assert.equal(add.exitCode, 0, add.stderr);
    const imported = await run(['import', '--yes']);
    assert.equal(imported.exitCode, 0, imported.stderr);
    const rotated = await run(['rotate', 'dana']);
    assert.equal(rotated.exitCode, 0, rotated.stderr);
    const now = await new FileBackend(join(box.configHome, 'tfmfa'), async () => PASSPHRASE).get('dana');
    assert.ok(now && now.accessKeyId !== dana.accessKeyId);
    secrets.set('dana (rotated)', now.secretAccessKey);

    for (const profile of ['dana', 'GEHC-000']) {
      const probeOut = join(outDir, `${profile}.json`);
      const result = await run(['exec', profile, '--', process.execPath, '-e', CHILD], {
        PROBE_PROFILE: profile,
        PROBE_OUT: probeOut,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      const probe = JSON.parse(readFileSync(probeOut, 'utf8')) as {
        env: Record<string, string>;
        overlay: string;
        cmdlines: string[];
        credentialProcess: string;
        command?: string;
      };
      assert.ok(probe.command, `the overlay has credential_process for ${profile}`);
      assert.match(JSON.parse(probe.credentialProcess).AccessKeyId, /^ASIA/, 'credential_process hands out a session');
      assert.match(probe.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
      for (const [what, secret] of secrets) {
        assert.ok(!JSON.stringify(probe.env).includes(secret), `${what}: not in the child's environment`);
        assert.ok(!probe.overlay.includes(secret), `${what}: not in the overlay`);
        assert.ok(!probe.credentialProcess.includes(secret), `${what}: not in credential_process output`);
        assert.ok(
          !probe.cmdlines.some((line) => line.includes(secret)),
          `${what}: not in a command line under the child`,
        );
      }
    }
  });

  test('no file under HOME, the cache, TMPDIR or the key store holds a long-term secret', () => {
    for (const [what, secret] of secrets) assert.deepEqual(filesContaining(box.dir, secret), [], what);
  });

  test('no command line and no tfmfa output (with TFMFA_DEBUG=1) held one', () => {
    assert.deepEqual(cmdlineHits, []);
    for (const [what, secret] of secrets) assert.ok(!outputs.some((text) => text.includes(secret)), what);
  });
});
