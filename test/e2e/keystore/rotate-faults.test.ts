// `tfmfa rotate` killed (SIGKILL) and failed (a full disk, IAM and STS errors) at every step boundary, for both
// backends: the encrypted file vault and the OS keyring (a real gnome-keyring Secret Service on a private bus,
// read back with secret-tool). After each fault: the key the store holds for the profile works (STS
// GetCallerIdentity), the old secret is never gone before the new one is stored and verified, and the next
// `tfmfa rotate` either leaves the store and IAM in agreement by itself or names the exact fix in one line
// (which the test then runs with the real AWS CLI). See docs/key-store-rotation.md for the steps.
//
// The faults are real: the process is stopped at a step boundary by strace (a delay injected into the rename(2)
// that publishes the N-th key store write, or an IAM/STS call the emulator holds without answering), then
// SIGKILLed; ENOSPC comes from a full tmpfs mounted over the key store directory (root only); IAM errors from
// the emulator's fault injection.
import { readSettings } from '../../../src/environment/settings.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { FileBackend } from '../../../src/keystore/file-backend.ts';
import { readKeyIndex, type KeyIndexEntry } from '../../../src/keystore/key-index.ts';
import type { LongTermKeys } from '../../../src/keystore/types.ts';
import { getCallerIdentity } from '../../../src/session/sts.ts';
import { CLI, type TfmfaResult } from '../../support/sandbox.ts';
import type { FaultSpec } from '../../support/sts-emulator/faults.ts';
import { secretServiceUnavailable, startSecretService, type SecretService } from './secret-service.ts';
import { createKeystoreSandbox, PASSPHRASE } from './support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;
type BackendKind = 'file' | 'keyring';

function unavailable(): string | null {
  if (spawnSync('sh', ['-c', 'command -v strace']).status !== 0) return 'strace is not installed (Debian: strace)';
  const probe = spawnSync('strace', ['-qq', '-o', '/dev/null', '-e', 'trace=rename', 'true']);
  if (probe.status !== 0) return `strace cannot trace here (${String(probe.stderr).trim().split('\n')[0]})`;
  if (process.getuid?.() !== 0) return 'needs root (a full tmpfs is mounted over the key store)';
  if (!existsSync('/usr/bin/aws')) return 'the AWS CLI (/usr/bin/aws) runs the fixes rotate names';
  return null;
}
const skip = unavailable();
const keyringSkip = skip ?? secretServiceUnavailable();

/** A world: one sandbox and key store (on its own small tmpfs), one backend; each cell uses a fresh IAM user. */
class World {
  box!: Box;
  service: SecretService | undefined;
  readonly kind: BackendKind;
  private vault: FileBackend | undefined;
  private profiles = 0;
  storeDir = '';

  constructor(kind: BackendKind) {
    this.kind = kind;
  }

  async start(): Promise<void> {
    this.box = await createKeystoreSandbox({ backend: this.kind });
    if (this.kind === 'keyring') {
      this.service = await startSecretService();
      delete this.box.env.TFMFA_FILE_PASSPHRASE;
      this.box.env.DBUS_SESSION_BUS_ADDRESS = this.service.env.DBUS_SESSION_BUS_ADDRESS as string;
    }
    this.storeDir = join(this.box.configHome, 'tfmfa');
    mkdirSync(this.storeDir, { recursive: true, mode: 0o700 });
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0700', 'tmpfs', this.storeDir], {
      encoding: 'utf8',
    });
    assert.equal(mounted.status, 0, mounted.stderr);
    this.vault = new FileBackend(this.storeDir, async () => PASSPHRASE);
  }

  async stop(): Promise<void> {
    if (this.storeDir) spawnSync('umount', [this.storeDir]);
    await this.box?.cleanup();
    await this.service?.stop();
  }

  get env(): Record<string, string> {
    return this.box.env as Record<string, string>;
  }

  /** A new IAM user with its key stored under a profile of the same name. */
  async newProfile(): Promise<{ profile: string; arn: string; old: LongTermKeys }> {
    const profile = `${this.kind}${++this.profiles}`;
    const user = this.box.emu.addUser({ userName: profile, accountId: '222222222222' });
    const added = await this.box.tfmfa(['add', profile, '--env'], {
      env: { ...this.env, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
    });
    assert.equal(added.exitCode, 0, added.stderr);
    assert.equal(this.index(profile)?.backend, this.kind);
    return { profile, arn: user.arn, old: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } };
  }

  /** What the backend holds under `name` (the profile's entry, or its staged entry 'NAME (rotating)'). */
  async held(name: string): Promise<LongTermKeys | null> {
    if (this.kind === 'file') return (await this.vault?.get(name)) ?? null;
    const item = this.service?.secretTool(['lookup', 'service', 'tfmfa', 'username', name]);
    return item?.status === 0 && item.stdout ? (JSON.parse(item.stdout) as LongTermKeys) : null;
  }

  index(profile: string): KeyIndexEntry | undefined {
    return readKeyIndex(join(this.storeDir, 'keys.json')).get(profile);
  }

  async works(keys: LongTermKeys | null): Promise<boolean> {
    if (!keys) return false;
    try {
      await getCallerIdentity(keys, {
        region: 'us-east-1',
        profile: 'check',
        endpoint: this.box.emu.url,
        settings: readSettings(process.env),
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Fills the key store's tmpfs to the last byte. */
  fill(): void {
    try {
      writeFileSync(join(this.storeDir, 'filler'), Buffer.alloc(2 * 1024 * 1024));
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    }
  }

  free(): void {
    rmSync(join(this.storeDir, 'filler'), { force: true });
  }
}

/**
 * The stop point of a run: the N-th rename(2) of a key store write (before or after it), or an IAM/STS call held by
 * the emulator.
 */
type Stop = { rename: number; phase: 'before' | 'after' } | { call: FaultSpec & { kind: 'hang' | 'lose-answer' } };

interface Run {
  result: Promise<TfmfaResult>;
  /** Resolves once the process is stopped at the point (its pid, to kill). */
  stopped: Promise<number>;
  /** SIGKILLs the stopped tfmfa (and the strace holding it) and waits for the end. */
  kill(): Promise<TfmfaResult>;
}

function rotateStopped(world: World, profile: string, stop: Stop, delayMs: number): Run {
  const env = world.env;
  if ('call' in stop) {
    world.box.emu.injectFault(stop.call);
    const child = execa(process.execPath, [CLI, 'rotate', profile], {
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
    const result = child as unknown as Promise<TfmfaResult>;
    const marker = stop.call.kind === 'hang' ? 'Fault:hang' : 'Fault:lose-answer';
    const stopped = until(
      () => world.box.emu.calls().some((c) => c.action === stop.call.action && c.errorCode === marker),
      `${stop.call.action} held`,
    ).then(() => child.pid as number);
    return { result, stopped, kill: async () => (process.kill(await stopped, 'SIGKILL'), result) };
  }
  const log = join(world.box.dir, `strace-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const delay = `delay_${stop.phase === 'before' ? 'enter' : 'exit'}=${delayMs * 1000}`;
  const injection = `inject=rename:${delay}:when=${stop.rename}`;
  const child = execa(
    'strace',
    ['-f', '-qq', '-o', log, '-e', 'trace=rename', '-e', injection, process.execPath, CLI, 'rotate', profile],
    { env, extendEnv: false, reject: false, stdin: 'ignore' },
  );
  const result = child as unknown as Promise<TfmfaResult>;
  const stopped = until(() => {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    return stop.phase === 'after' ? text.includes('(DELAYED)') : (text.match(/rename\(/g) ?? []).length >= stop.rename;
  }, `rename #${stop.rename} reached`).then(() => {
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/);
    return Number(children[0]);
  });
  // strace sits out its delay even when the tracee is dead: end it too (the tracee is gone, nothing to detach).
  return { result, stopped, kill: async () => (process.kill(await stopped, 'SIGKILL'), child.kill('SIGKILL'), result) };
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function oneLine(text: string): void {
  assert.equal(text.trim().split('\n').length, 1, `one line: ${text}`);
}

/**
 * What must hold right after any fault: the profile's stored key works, and the only keys that may be gone
 * from the store are ones IAM no longer has (the old secret is never dropped while the new one is not stored
 * and accepted).
 */
async function assertSafe(world: World, profile: string, old: LongTermKeys, arn: string): Promise<LongTermKeys> {
  const stored = await world.held(profile);
  assert.ok(stored, `the key store still holds a key for '${profile}'`);
  assert.ok(await world.works(stored), `the stored key ${stored.accessKeyId} works`);
  const inIam = world.box.emu.iam.keysOf(arn);
  if (stored.accessKeyId !== old.accessKeyId) {
    assert.ok(inIam.includes(stored.accessKeyId), 'the old secret went only after the new key was in IAM');
  } else {
    assert.ok(inIam.includes(old.accessKeyId), 'the old key stays in IAM while it is the stored one');
  }
  return stored;
}

/**
 * The next `tfmfa rotate` settles the state: by itself, or by naming the one fix (run here with the AWS CLI, then
 * rotate again).
 */
async function assertNextRotateSettles(world: World, profile: string, arn: string): Promise<string> {
  let next = await world.box.tfmfa(['rotate', profile], { env: world.env });
  if (next.exitCode !== 0) {
    oneLine(next.stderr);
    const fix = /'(aws iam delete-access-key --user-name \S+ --access-key-id \S+)'/.exec(next.stderr)?.[1];
    assert.ok(fix, `the next rotate names the exact fix: ${next.stderr}`);
    const stored = await world.held(profile);
    // Not spawnSync: the emulator answering it runs in this process.
    const aws = await execa('/usr/bin/aws', [...fix.split(' ').slice(1), '--endpoint-url', world.box.emu.url], {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: world.box.home,
        AWS_ACCESS_KEY_ID: stored?.accessKeyId as string,
        AWS_SECRET_ACCESS_KEY: stored?.secretAccessKey as string,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
      extendEnv: false,
      reject: false,
    });
    assert.equal(aws.exitCode, 0, `${fix}: ${aws.stderr}`);
    next = await world.box.tfmfa(['rotate', profile], { env: world.env });
  }
  assert.equal(next.exitCode, 0, next.stderr);
  await assertAgree(world, profile, arn);
  return next.stdout + next.stderr;
}

/** The store and IAM agree: one key, the stored one, indexed, working; nothing staged, no rotation noted. */
async function assertAgree(world: World, profile: string, arn: string): Promise<void> {
  const stored = await world.held(profile);
  assert.ok(stored && (await world.works(stored)), 'the stored key works');
  assert.deepEqual(world.box.emu.iam.keysOf(arn), [stored.accessKeyId], 'IAM has exactly the stored key');
  const entry = world.index(profile);
  assert.equal(entry?.accessKeyId, stored.accessKeyId, 'the index names the stored key');
  assert.equal(entry?.rotation, undefined, 'no rotation left noted');
  assert.equal(await world.held(`${profile} (rotating)`), null, 'no staged key left');
}

/**
 * The persistent step boundaries of a rotation (docs/key-store-rotation.md), and how a run is stopped at each
 * for each backend. Key store writes (rename #N): file 1 note, 2 staged key, 3 the key replaced, 4 index,
 * 5 staged key dropped, 6 note cleared; keyring: 1 note, 2 index, 3 note cleared (the secrets go over D-Bus).
 */
type KeyName = 'old' | 'new';
/** Where a run killed at a boundary leaves things: the stored key, a staged copy, the note, the index, IAM. */
interface Left {
  stored: KeyName;
  staged: boolean;
  noted: boolean;
  indexed: KeyName;
  iam: KeyName[];
}
const state = (stored: KeyName, staged: boolean, noted: boolean, indexed: KeyName, iam: KeyName[]): Left => ({
  stored,
  staged,
  noted,
  indexed,
  iam,
});

const BOUNDARIES: Array<{ name: string; stop: Record<BackendKind, Stop>; left: Left }> = [
  {
    name: 'before CreateAccessKey',
    stop: both({ call: { action: 'CreateAccessKey', times: 1, kind: 'hang' } }),
    left: state('old', false, false, 'old', ['old']),
  },
  {
    name: 'after CreateAccessKey, before anything is stored',
    stop: both({ call: { action: 'CreateAccessKey', times: 1, kind: 'lose-answer' } }),
    left: state('old', false, false, 'old', ['old', 'new']),
  },
  {
    name: 'after the rotation is noted, before the new key is staged',
    stop: both({ rename: 1, phase: 'after' }),
    left: state('old', false, true, 'old', ['old', 'new']),
  },
  {
    name: 'after the new key is staged, before STS accepts it',
    stop: both({ call: { action: 'GetCallerIdentity', skip: 1, times: 1, kind: 'hang' } }),
    left: state('old', true, true, 'old', ['old', 'new']),
  },
  {
    name: 'after the new key replaced the old one, before the index says so',
    stop: { file: { rename: 3, phase: 'after' }, keyring: { rename: 2, phase: 'before' } },
    left: state('new', true, true, 'old', ['old', 'new']),
  },
  {
    name: 'after the index switch, before DeleteAccessKey of the old key',
    stop: both({ call: { action: 'DeleteAccessKey', times: 1, kind: 'hang' } }),
    left: state('new', true, true, 'new', ['old', 'new']),
  },
  {
    name: 'after DeleteAccessKey of the old key, before the staged key is dropped',
    stop: both({ call: { action: 'DeleteAccessKey', times: 1, kind: 'lose-answer' } }),
    left: state('new', true, true, 'new', ['new']),
  },
  {
    name: 'after the staged key is dropped, before the note is cleared',
    stop: { file: { rename: 6, phase: 'before' }, keyring: { rename: 3, phase: 'before' } },
    left: state('new', false, true, 'new', ['new']),
  },
];

/** The run really stopped where the boundary says: the key store and IAM are in that state. */
async function assertLeft(world: World, profile: string, arn: string, old: LongTermKeys, left: Left): Promise<void> {
  const newId =
    world.box.emu.iam.keysOf(arn).find((id) => id !== old.accessKeyId) ?? world.index(profile)?.rotation?.to;
  const id = (name: KeyName) => (name === 'old' ? old.accessKeyId : newId);
  const entry = world.index(profile);
  const found = {
    stored: (await world.held(profile))?.accessKeyId === old.accessKeyId ? 'old' : 'new',
    staged: (await world.held(`${profile} (rotating)`)) !== null,
    noted: entry?.rotation !== undefined,
    indexed: entry?.accessKeyId === old.accessKeyId ? 'old' : 'new',
    iam: world.box.emu.iam
      .keysOf(arn)
      .map((key) => (key === old.accessKeyId ? 'old' : 'new'))
      .sort()
      .reverse(),
  };
  assert.deepEqual(found, left, `state at the kill (new key ${id('new') ?? 'none'})`);
}

/** The key store writes that a full disk can fail, per backend (rename # as above). */
const WRITES: Record<BackendKind, Array<{ write: number; name: string; expect: RegExp }>> = {
  file: [
    {
      write: 1,
      name: 'the note of the rotation',
      expect: new RegExp(
        String.raw`could not note the rotation in the key index \(cannot write \S+ \(it is unchanged\): no ` +
          String.raw`space left on the device \(ENOSPC\).*deleted the new key \w+ again`,
      ),
    },
    {
      write: 2,
      name: 'the staged new key (vault)',
      expect: new RegExp(
        String.raw`could not store the new key \(cannot write \S+ \(it is unchanged\): no space left on the ` +
          String.raw`device \(ENOSPC\).*deleted the new key \w+ again`,
      ),
    },
    {
      write: 3,
      name: 'the new key over the old (vault)',
      expect: new RegExp(
        String.raw`could not store the new key \(cannot write \S+ \(it is unchanged\): no space left on the ` +
          String.raw`device \(ENOSPC\).*deleted the new key \w+ again`,
      ),
    },
    {
      write: 4,
      name: 'the index switch',
      expect: new RegExp(
        String.raw`the new key \w+ is stored and works, but the key index could not be updated \(cannot write ` +
          String.raw`\S+ \(it is unchanged\): no space left on the device \(ENOSPC\).*IAM still has \w+ too`,
      ),
    },
    {
      write: 5,
      name: 'dropping the staged key (vault)',
      expect: new RegExp(
        String.raw`rotated, but the staged copy or the note of the rotation is left in the key store \(cannot ` +
          String.raw`write \S+ \(it is unchanged\): no space left on the device \(ENOSPC\)`,
      ),
    },
    {
      write: 6,
      name: 'clearing the note',
      expect: new RegExp(
        String.raw`rotated, but the staged copy or the note of the rotation is left in the key store \(cannot ` +
          String.raw`write \S+ \(it is unchanged\): no space left on the device \(ENOSPC\)`,
      ),
    },
  ],
  keyring: [
    {
      write: 1,
      name: 'the note of the rotation',
      expect: new RegExp(
        String.raw`could not note the rotation in the key index \(cannot write \S+ \(it is unchanged\): no ` +
          String.raw`space left on the device \(ENOSPC\).*deleted the new key \w+ again`,
      ),
    },
    {
      write: 2,
      name: 'the index switch',
      expect: new RegExp(
        String.raw`the new key \w+ is stored and works, but the key index could not be updated \(cannot write ` +
          String.raw`\S+ \(it is unchanged\): no space left on the device \(ENOSPC\).*IAM still has \w+ too`,
      ),
    },
    {
      write: 3,
      name: 'clearing the note',
      expect: new RegExp(
        String.raw`rotated, but the staged copy or the note of the rotation is left in the key store \(cannot ` +
          String.raw`write \S+ \(it is unchanged\): no space left on the device \(ENOSPC\)`,
      ),
    },
  ],
};

function both(stop: Stop): Record<BackendKind, Stop> {
  return { file: stop, keyring: stop };
}

for (const kind of ['file', 'keyring'] as const) {
  const reason = kind === 'file' ? skip : keyringSkip;
  describe(
    `rotate under faults: ${kind === 'file' ? 'encrypted file vault' : 'OS keyring (real Secret Service)'}`,
    { skip: reason ?? false, concurrency: false },
    () => {
      const world = new World(kind);
      before(() => world.start());
      after(() => world.stop());

      for (const boundary of BOUNDARIES) {
        test(`SIGKILL ${boundary.name}: a stored key works; the next rotate settles it`, async () => {
          const { profile, arn, old } = await world.newProfile();
          const run = rotateStopped(world, profile, boundary.stop[kind], 120_000);
          await run.stopped;
          const killed = await run.kill();
          assert.equal(killed.signal, 'SIGKILL');
          world.box.emu.clearFaults();
          await assertSafe(world, profile, old, arn);
          await assertLeft(world, profile, arn, old, boundary.left);
          if (boundary.left.noted) {
            const doctor = await world.box.tfmfa(['doctor', profile], { env: world.env });
            assert.match(
              doctor.stdout,
              new RegExp(
                `profile '${profile}': a 'tfmfa rotate' was interrupted[^\\n]*\\n.*tfmfa rotate ${profile} ` +
                  `\\(finishes or undoes it\\)`,
              ),
              doctor.stdout,
            );
          }
          await assertNextRotateSettles(world, profile, arn);
        });
      }

      for (const { write, name, expect } of WRITES[kind]) {
        test(
          `ENOSPC writing ${name}: one line that tells the truth; a stored key works; after ` +
            `freeing space the next rotate settles it`,
          async () => {
            const { profile, arn, old } = await world.newProfile();
            let result: TfmfaResult;
            try {
              if (write === 1) {
                world.fill();
                result = await world.box.tfmfa(['rotate', profile], { env: world.env });
              } else {
                const run = rotateStopped(world, profile, { rename: write - 1, phase: 'after' }, 4000);
                await run.stopped;
                world.fill();
                result = await run.result;
              }
              const stored = await assertSafe(world, profile, old, arn);
              oneLine(result.stderr);
              assert.equal(result.exitCode, 1, result.stderr);
              assert.match(result.stderr, expect);
              const claim = /IAM and the key store hold only (\w+), which still works/.exec(result.stderr);
              if (claim) {
                assert.equal(stored.accessKeyId, claim[1], 'the key store holds what the message says');
                assert.deepEqual(world.box.emu.iam.keysOf(arn), [claim[1]], 'IAM holds what the message says');
              }
              if (/run 'tfmfa rotate \S+' again/.test(result.stderr))
                assert.match(result.stderr, new RegExp(`run 'tfmfa rotate ${profile}' again`));
            } finally {
              world.free();
            }
            await assertNextRotateSettles(world, profile, arn);
          },
        );
      }

      const iamFaults: Array<{ name: string; faults: FaultSpec[]; expect: RegExp }> = [
        {
          name: 'ListAccessKeys fails',
          faults: [{ action: 'ListAccessKeys', times: 3, kind: 'status', status: 500, code: 'ServiceFailure' }],
          expect: /ListAccessKeys failed/,
        },
        {
          name: 'CreateAccessKey fails',
          faults: [{ action: 'CreateAccessKey', times: 3, kind: 'status', status: 500, code: 'ServiceFailure' }],
          expect: /nothing changed: the key store and IAM hold/,
        },
        {
          name: 'STS refuses the new key (not a delay)',
          faults: [
            {
              action: 'GetCallerIdentity',
              skip: 1,
              times: 3,
              kind: 'status',
              status: 403,
              code: 'AccessDenied',
              message: 'denied',
            },
          ],
          expect:
            /was not accepted .*deleted the new key \w+ again: IAM and the key store hold only \w+, which still works/,
        },
        {
          name: 'STS refuses the new key and deleting it fails too',
          faults: [
            {
              action: 'GetCallerIdentity',
              skip: 1,
              times: 3,
              kind: 'status',
              status: 403,
              code: 'AccessDenied',
              message: 'denied',
            },
            { action: 'DeleteAccessKey', times: 3, kind: 'status', status: 500, code: 'ServiceFailure' },
          ],
          expect: /could not delete the new key \w+ either .*delete it with 'aws iam delete-access-key/,
        },
        {
          name: 'DeleteAccessKey of the old key fails',
          faults: [
            {
              action: 'DeleteAccessKey',
              times: 3,
              kind: 'status',
              status: 403,
              code: 'AccessDenied',
              message: 'not allowed',
            },
          ],
          expect: new RegExp(
            String.raw`the new key \w+ is stored and works, but the old key \w+ is still active in IAM .*'aws ` +
              String.raw`iam delete-access-key`,
          ),
        },
      ];
      for (const { name, faults, expect } of iamFaults) {
        test(
          `IAM/STS error: ${name}: one line naming the state; a stored key works; the next ` + `rotate settles it`,
          async () => {
            const { profile, arn, old } = await world.newProfile();
            for (const fault of faults) world.box.emu.injectFault(fault);
            const result = await world.box.tfmfa(['rotate', profile], { env: world.env });
            world.box.emu.clearFaults();
            await assertSafe(world, profile, old, arn);
            assert.equal(result.exitCode, 1, result.stderr);
            oneLine(result.stderr);
            assert.match(result.stderr, expect);
            await assertNextRotateSettles(world, profile, arn);
          },
        );
      }
    },
  );
}

if (skip) test(`rotate fault tests skipped: ${skip}`, { skip }, () => {});
else if (keyringSkip)
  test(`rotate fault tests with the keyring skipped: ${keyringSkip}`, { skip: keyringSkip }, () => {});
