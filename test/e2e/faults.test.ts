// Faults: STS unreachable, silent, failing, refusing the clock or the keys; a revoked session; a cache directory
// that cannot be written or is not private; no terminal; an mfa_process that fails or prints garbage.
// Every failure must be one line on stderr starting `tfmfa: `, with a non-zero exit, bounded in time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { closedPort } from '../support/ports.ts';
import { createSandbox, ROLE_B, SERIAL, type Sandbox, type TfmfaResult } from '../support/sandbox.ts';

const IS_ROOT = process.getuid?.() === 0;

/** Profiles on the sandbox's user and device whose code comes from the counting mfa_process (or a broken one). */
function profiles(box: Sandbox): string {
  const role = (name: string, mfaProcess: string) => `[profile ${name}]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${mfaProcess}
`;
  return [
    role('viaproc', box.mfaProcess),
    role('proc-fails', 'exit 3'),
    role('proc-garbage', 'echo hello'),
    role('proc-empty', 'true'),
    role('proc-almost', 'echo "code: 123456"'),
    role('proc-wrong', 'echo 000000'),
    role('proc-killed', 'kill -9 $$'),
  ].join('');
}

async function sandbox(): Promise<Sandbox> {
  const box = await createSandbox();
  box.writeConfig(profiles(box));
  return box;
}

let cacheCounter = 0;
/** A cache directory of its own: every run starts cold. */
function coldEnv(box: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return { ...box.env, TFMFA_CACHE_DIR: join(box.dir, `cache-${++cacheCounter}`), ...extra };
}

function run(box: Sandbox, args: string[], env: Record<string, string>, timeout = 30_000): Promise<TfmfaResult> {
  box.emu.advance(30); // TOTP codes are single-use: every run gets a window of its own
  return box.tfmfa(args, { env, detached: true, timeout });
}

/** The failure contract: non-zero exit, exactly one line on stderr starting `tfmfa: `, nothing on stdout. */
function oneLineFailure(result: TfmfaResult, pattern: RegExp): void {
  assert.ok(!result.timedOut, `tfmfa did not finish in time; stderr so far: ${JSON.stringify(result.stderr)}`);
  assert.notEqual(result.exitCode, 0, `expected a failure, got exit 0; stderr: ${result.stderr}`);
  const lines = String(result.stderr)
    .split('\n')
    .filter((l) => l !== '');
  assert.equal(lines.length, 1, `exactly one line on stderr: ${JSON.stringify(result.stderr)}`);
  assert.match(lines[0] as string, /^tfmfa: /);
  assert.match(lines[0] as string, pattern);
  assert.equal(result.stdout, '', 'nothing on stdout (credential_process consumers parse it)');
}

function credentialJson(result: TfmfaResult): {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
} {
  assert.equal(result.exitCode, 0, `stderr: ${result.stderr}`);
  const json = JSON.parse(String(result.stdout)) as {
    Version: number;
    AccessKeyId: string;
    SecretAccessKey: string;
    SessionToken: string;
    Expiration: string;
  };
  assert.equal(json.Version, 1);
  assert.match(json.AccessKeyId, /^ASIA/);
  return json;
}

/** Cache entries written under a cache directory (sessions/*.json); temp files count as a failure to clean up. */
function sessionFiles(cacheDir: string): string[] {
  const dir = join(cacheDir, 'sessions');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('STS faults', { concurrency: 3 }, () => {
  test('connection refused: one clear line naming the endpoint setting, within seconds, nothing cached', async () => {
    const box = await sandbox();
    try {
      const env = coldEnv(box, { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${await closedPort()}` });
      const started = Date.now();
      const result = await run(box, ['credential-process', 'viaproc'], env);
      oneLineFailure(result, /cannot reach STS .*ECONNREFUSED.*AWS_ENDPOINT_URL_STS/);
      assert.ok(Date.now() - started < 15_000, `bounded: ${Date.now() - started} ms`);
      assert.deepEqual(sessionFiles(env.TFMFA_CACHE_DIR as string), []);
    } finally {
      await box.cleanup();
    }
  });

  test(
    'no answer at all (hang) with TFMFA_STS_TIMEOUT=2: bounded by the timeout, then one line ' + 'that mentions it',
    async () => {
      const box = await sandbox();
      try {
        box.emu.injectFault({ kind: 'hang', times: 10 });
        const env = coldEnv(box, { TFMFA_STS_TIMEOUT: '2' });
        const started = Date.now();
        const result = await run(box, ['credential-process', 'viaproc'], env, 15_000);
        const took = Date.now() - started;
        oneLineFailure(result, /TFMFA_STS_TIMEOUT/);
        assert.match(
          String(result.stderr),
          /timed? ?out|timeout|no answer|2 ?s\b/i,
          'says that STS did not answer in time',
        );
        const attempts = box.emu.count('GetSessionToken');
        assert.ok(attempts >= 1 && attempts <= 3, `bounded attempts: ${attempts}`);
        assert.ok(took < attempts * 2000 + 8000, `bounded by the timeout: ${took} ms for ${attempts} attempt(s)`);
        assert.deepEqual(sessionFiles(env.TFMFA_CACHE_DIR as string), []);
      } finally {
        await box.cleanup();
      }
    },
  );

  for (const fault of [
    { status: 500, code: 'InternalFailure' },
    { status: 503, code: 'ServiceUnavailable' },
    { status: 400, code: 'Throttling' },
  ]) {
    test(`${fault.status} ${fault.code} twice, then an answer: retried with backoff, the call succeeds`, async () => {
      const box = await sandbox();
      try {
        box.emu.injectFault({ kind: 'status', action: 'GetSessionToken', times: 2, ...fault });
        const env = coldEnv(box);
        const runsBefore = box.mfaProcessRuns();
        const result = await run(box, ['credential-process', 'viaproc'], env);
        credentialJson(result);
        assert.equal(result.stderr, '', 'retries are silent');
        const calls = box.emu.calls().filter((c) => c.action === 'GetSessionToken');
        assert.deepEqual(
          calls.map((c) => c.errorCode ?? 'ok'),
          [fault.code, fault.code, 'ok'],
          'three attempts, the last one answered',
        );
        assert.equal(
          box.mfaProcessRuns() - runsBefore,
          1,
          'the same code is reused across SDK retries: one mfa_process run',
        );
        assert.equal(sessionFiles(env.TFMFA_CACHE_DIR as string).length, 2, 'session and role cached');
      } finally {
        await box.cleanup();
      }
    });
  }

  test('a connection closed twice mid-request, then an answer: retried, the call succeeds', async () => {
    const box = await sandbox();
    try {
      box.emu.injectFault({ kind: 'close', action: 'GetSessionToken', times: 2 });
      const result = await run(box, ['credential-process', 'viaproc'], coldEnv(box));
      credentialJson(result);
      assert.equal(box.emu.count('GetSessionToken'), 3);
    } finally {
      await box.cleanup();
    }
  });

  test('500 on every attempt: a bounded number of attempts, then one line naming the STS error', async () => {
    const box = await sandbox();
    try {
      box.emu.injectFault({ kind: 'status', status: 500, code: 'InternalFailure', times: 20 });
      const started = Date.now();
      const result = await run(box, ['credential-process', 'viaproc'], coldEnv(box));
      oneLineFailure(result, /GetSessionToken.*InternalFailure/);
      const attempts = box.emu.count('GetSessionToken');
      assert.ok(attempts >= 2 && attempts <= 5, `bounded retries: ${attempts}`);
      assert.ok(Date.now() - started < 20_000);
    } finally {
      await box.cleanup();
    }
  });

  test(
    'clock skew of ±10 minutes: the SDK corrects its clock from the Date header (as the AWS CLI ' +
      'does) and the call succeeds',
    async () => {
      const box = await sandbox();
      try {
        for (const skew of [600, -600]) {
          box.emu.setSkew(skew);
          const result = await run(box, ['credential-process', 'viaproc'], coldEnv(box));
          credentialJson(result);
          assert.ok(
            box.emu.calls().some((c) => c.errorCode === 'SignatureDoesNotMatch'),
            'the first attempt was refused for its time',
          );
          box.emu.resetCounts();
        }
      } finally {
        await box.cleanup();
      }
    },
  );

  for (const refusal of [
    { status: 400, code: 'RequestExpired', message: 'Request has expired.' },
    {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message: 'Signature expired: 20200101T000000Z is now earlier than 20200101T001000Z (20200101T001500Z - 5 min.)',
    },
    {
      status: 403,
      code: 'SignatureDoesNotMatch',
      message:
        'Signature not yet current: 20200101T003000Z is still later than 20200101T002000Z (20200101T001500Z + 5 min.)',
    },
  ]) {
    test(
      `a time refusal the SDK cannot correct ` +
        `(${refusal.code}: ${refusal.message.slice(0, 24)}…): one line that mentions the clock`,
      async () => {
        const box = await sandbox();
        try {
          box.emu.injectFault({ kind: 'status', times: 3, ...refusal });
          const result = await run(box, ['credential-process', 'viaproc'], coldEnv(box));
          oneLineFailure(result, /clock/i);
        } finally {
          await box.cleanup();
        }
      },
    );
  }

  test(
    'a revoked (or deleted/expired) long-term key: one line naming the profile that holds the ' + 'key and the fix',
    async () => {
      const box = await createSandbox();
      try {
        const other = box.emu.addUser({ userName: 'other', accountId: '222222222222' });
        box.writeConfig(`[profile k2]
aws_access_key_id = ${other.accessKeyId}
aws_secret_access_key = ${other.secretAccessKey}
[profile k2-role]
source_profile = k2
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${box.mfaProcess}
`);
        box.emu.revoke(other.accessKeyId);
        const result = await run(box, ['credential-process', 'k2-role'], coldEnv(box));
        oneLineFailure(result, /InvalidClientTokenId/);
        const line = String(result.stderr);
        assert.ok(
          line.includes("'k2'") || line.includes(other.accessKeyId),
          `names the profile holding the key ('k2') or the key id: ${line}`,
        );
        assert.match(line, /aws_access_key_id|new (access )?key/, 'says how to fix it');
        assert.ok(!line.includes(other.secretAccessKey));
      } finally {
        await box.cleanup();
      }
    },
  );
});

describe('a cached session STS no longer accepts', () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(() => box.cleanup());

  /** Warms a cache for viaproc and removes the role entry, so that the next run must AssumeRole with the session. */
  async function warmWithoutRole(): Promise<{ env: Record<string, string>; session: { accessKeyId: string } }> {
    const env = coldEnv(box);
    credentialJson(await run(box, ['credential-process', 'viaproc'], env));
    const dir = join(env.TFMFA_CACHE_DIR as string, 'sessions');
    let session: { accessKeyId: string } | undefined;
    for (const file of readdirSync(dir)) {
      const entry = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { kind: string; accessKeyId: string };
      if (entry.kind === 'role') unlinkSync(join(dir, file));
      else session = entry;
    }
    assert.ok(session, 'an MFA session was cached');
    box.emu.resetCounts();
    return { env, session };
  }

  test(
    'revoked (InvalidClientTokenId): the entry is dropped and the code asked for once more, ' + 'then it works',
    async () => {
      const { env, session } = await warmWithoutRole();
      box.emu.revoke(session.accessKeyId);
      const runsBefore = box.mfaProcessRuns();
      const result = await run(box, ['credential-process', 'viaproc'], env);
      credentialJson(result);
      assert.equal(box.mfaProcessRuns() - runsBefore, 1, 're-prompted exactly once');
      assert.deepEqual(
        box.emu.calls().map((c) => `${c.action}:${c.errorCode ?? 'ok'}`),
        ['AssumeRole:InvalidClientTokenId', 'GetSessionToken:ok', 'AssumeRole:ok'],
      );
      const entries = readdirSync(join(env.TFMFA_CACHE_DIR as string, 'sessions')).map(
        (f) =>
          JSON.parse(readFileSync(join(env.TFMFA_CACHE_DIR as string, 'sessions', f), 'utf8')) as {
            accessKeyId: string;
          },
      );
      assert.ok(
        !entries.some((e) => e.accessKeyId === session.accessKeyId),
        'the revoked session is gone from the cache',
      );
    },
  );

  test('expired early (ExpiredToken): dropped and rebuilt once', async () => {
    const { env } = await warmWithoutRole();
    box.emu.injectFault({
      kind: 'status',
      status: 403,
      code: 'ExpiredToken',
      message: 'The security token included in the request is expired',
      action: 'AssumeRole',
      times: 1,
    });
    const runsBefore = box.mfaProcessRuns();
    credentialJson(await run(box, ['credential-process', 'viaproc'], env));
    assert.equal(box.mfaProcessRuns() - runsBefore, 1);
    assert.deepEqual(
      box.emu.calls().map((c) => `${c.action}:${c.errorCode ?? 'ok'}`),
      ['AssumeRole:ExpiredToken', 'GetSessionToken:ok', 'AssumeRole:ok'],
    );
  });

  test('refused again after the rebuild: one line, never a loop (one re-prompt, two AssumeRole calls)', async () => {
    const { env } = await warmWithoutRole();
    box.emu.injectFault({
      kind: 'status',
      status: 403,
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
      action: 'AssumeRole',
      times: 2,
    });
    const runsBefore = box.mfaProcessRuns();
    const result = await run(box, ['credential-process', 'viaproc'], env);
    oneLineFailure(result, /InvalidClientTokenId/);
    assert.equal(box.mfaProcessRuns() - runsBefore, 1, 'one re-prompt, not a loop');
    assert.equal(box.emu.count('AssumeRole'), 2);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });
});

describe('cache directory faults', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  before(async () => {
    box = await sandbox();
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());

  /** A cache path that cannot be created: under a read-only directory (non-root), or on sysfs (root ignores modes). */
  function uncreatable(): { path: string; restore(): void } {
    if (!IS_ROOT) {
      const parent = join(box.dir, `ro-${++cacheCounter}`);
      mkdirSync(parent, { mode: 0o500 });
      chmodSync(parent, 0o500);
      return { path: join(parent, 'cache'), restore: () => chmodSync(parent, 0o700) };
    }
    return { path: `/sys/tfmfa-test-${process.pid}/cache`, restore: () => undefined };
  }

  const cases: Array<[string, () => { path: string; restore(): void }]> = [
    ['cannot be created (read-only parent)', uncreatable],
    [
      'a file stands where the directory should be',
      () => {
        const path = join(box.dir, `file-${++cacheCounter}`);
        writeFileSync(path, 'not a directory');
        return { path, restore: () => undefined };
      },
    ],
  ];
  for (const [what, make] of cases) {
    for (const command of ['credential-process', 'exec'] as const) {
      test(`cache directory ${what}: ${command} still works without caching and warns once`, async () => {
        const place = make();
        try {
          const env = { ...box.env, TFMFA_CACHE_DIR: place.path };
          const runsBefore = box.mfaProcessRuns();
          const args =
            command === 'exec' ? ['exec', 'viaproc', '--', tool.path, 'plan'] : ['credential-process', 'viaproc'];
          const result = await run(box, args, env);
          assert.equal(result.exitCode, 0, `works uncached; stderr: ${result.stderr}`);
          const lines = String(result.stderr).split('\n').filter(Boolean);
          assert.equal(lines.length, 1, `warns exactly once: ${JSON.stringify(result.stderr)}`);
          assert.match(lines[0] as string, /^tfmfa: warning: .*cache.*(TFMFA_CACHE_DIR|without)/);
          assert.equal(box.mfaProcessRuns() - runsBefore, 1);
          if (command === 'exec')
            assert.match(readRecords(tool.recordsFile).at(-1)?.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
          else credentialJson(result);
        } finally {
          place.restore();
        }
      });
    }
  }

  /** A small tmpfs of our own (root with CAP_SYS_ADMIN only); null where mounting is not possible. */
  function tmpfs(options: string): { dir: string; unmount(): void } | null {
    if (!IS_ROOT) return null;
    const dir = join(box.dir, `mnt-${++cacheCounter}`);
    mkdirSync(dir);
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status !== 0) return null;
    return { dir, unmount: () => void spawnSync('umount', ['-l', dir]) };
  }
  const canMount = (() => {
    if (!IS_ROOT) return false;
    const probe = join(tmpdir(), `tfmfa-mount-probe-${process.pid}`);
    mkdirSync(probe, { recursive: true });
    const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe]).status === 0;
    if (ok) spawnSync('umount', [probe]);
    rmSync(probe, { recursive: true, force: true });
    return ok;
  })();

  for (const command of ['credential-process', 'exec'] as const) {
    test(
      `disk full (ENOSPC on a full tmpfs): ${command} still works without caching, warns once, leaves no temp file`,
      { skip: !canMount && 'needs root and mount (tmpfs)' },
      async () => {
        const mount = tmpfs('size=64k,mode=0700');
        assert.ok(mount, 'tmpfs mounted');
        try {
          const cache = join(mount.dir, 'cache');
          mkdirSync(join(cache, 'sessions'), { recursive: true, mode: 0o700 });
          chmodSync(cache, 0o700);
          // fill every block
          const filler = Buffer.alloc(4096, 1);
          for (let i = 0; i < 1000; i++) {
            try {
              writeFileSync(join(mount.dir, `filler-${i}`), filler);
            } catch {
              break;
            }
          }
          const args =
            command === 'exec' ? ['exec', 'viaproc', '--', tool.path, 'plan'] : ['credential-process', 'viaproc'];
          const result = await run(box, args, { ...box.env, TFMFA_CACHE_DIR: cache });
          assert.equal(result.exitCode, 0, `works uncached; stderr: ${result.stderr}`);
          const lines = String(result.stderr).split('\n').filter(Boolean);
          assert.equal(lines.length, 1, `warns exactly once: ${JSON.stringify(result.stderr)}`);
          assert.match(lines[0] as string, /^tfmfa: warning: .*ENOSPC/);
          const leftovers = readdirSync(join(cache, 'sessions'));
          assert.deepEqual(leftovers, [], 'no temp or partial file left in sessions/');
        } finally {
          mount.unmount();
        }
      },
    );

    test(
      `read-only filesystem under an existing cache (EROFS): ${command} still works without caching and warns once`,
      { skip: !canMount && 'needs root and mount (tmpfs)' },
      async () => {
        const mount = tmpfs('size=256k,mode=0700');
        assert.ok(mount, 'tmpfs mounted');
        try {
          const cache = join(mount.dir, 'cache');
          mkdirSync(join(cache, 'sessions'), { recursive: true, mode: 0o700 });
          chmodSync(cache, 0o700);
          assert.equal(spawnSync('mount', ['-o', 'remount,ro', mount.dir]).status, 0, 'remounted read-only');
          const args =
            command === 'exec' ? ['exec', 'viaproc', '--', tool.path, 'plan'] : ['credential-process', 'viaproc'];
          const result = await run(box, args, { ...box.env, TFMFA_CACHE_DIR: cache });
          assert.equal(result.exitCode, 0, `works uncached; stderr: ${result.stderr}`);
          const lines = String(result.stderr).split('\n').filter(Boolean);
          assert.equal(lines.length, 1, `warns exactly once: ${JSON.stringify(result.stderr)}`);
          assert.match(lines[0] as string, /^tfmfa: warning: .*(EROFS|read-only)/i);
        } finally {
          mount.unmount();
        }
      },
    );
  }

  test(
    'sessions directory read-only: works, warns once',
    { skip: IS_ROOT && 'root ignores directory modes' },
    async () => {
      const env = coldEnv(box);
      mkdirSync(join(env.TFMFA_CACHE_DIR as string, 'sessions'), { recursive: true, mode: 0o700 });
      chmodSync(env.TFMFA_CACHE_DIR as string, 0o700);
      chmodSync(join(env.TFMFA_CACHE_DIR as string, 'sessions'), 0o500);
      try {
        const result = await run(box, ['credential-process', 'viaproc'], env);
        credentialJson(result);
        const lines = String(result.stderr).split('\n').filter(Boolean);
        assert.equal(lines.length, 1, `warns once: ${result.stderr}`);
        assert.match(lines[0] as string, /^tfmfa: warning: cannot write the session cache/);
      } finally {
        chmodSync(join(env.TFMFA_CACHE_DIR as string, 'sessions'), 0o700);
      }
    },
  );

  const refusals: Array<[string, (dir: string) => void, RegExp]> = [
    ['open to others (0755)', (dir) => chmodSync(dir, 0o755), /open to other users \(mode 755\): run 'chmod 700 \S+'/],
    ['group-writable (0770)', (dir) => chmodSync(dir, 0o770), /open to other users \(mode 770\): run 'chmod 700 \S+'/],
    [
      'its sessions directory open to others',
      (dir) => {
        mkdirSync(join(dir, 'sessions'));
        chmodSync(join(dir, 'sessions'), 0o755);
      },
      /sessions is open to other users \(mode 755\): run 'chmod 700 \S+'/,
    ],
  ];
  for (const [what, spoil, pattern] of refusals) {
    test(`cache directory ${what}: refused with the fix, nothing read or written, no STS call`, async () => {
      const env = coldEnv(box);
      const dir = env.TFMFA_CACHE_DIR as string;
      mkdirSync(dir, { mode: 0o700 });
      spoil(dir);
      box.emu.resetCounts();
      const result = await run(box, ['credential-process', 'viaproc'], env);
      oneLineFailure(result, pattern);
      assert.equal(box.emu.count(), 0);
      assert.deepEqual(sessionFiles(dir), []);
    });
  }

  test('cache directory owned by another user: refused with the fix', async () => {
    let dir: string;
    if (IS_ROOT) {
      dir = join(box.dir, `foreign-${++cacheCounter}`);
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
    } else {
      dir = '/'; // owned by root, never by the test user; refused before anything is written
    }
    const result = await run(box, ['credential-process', 'viaproc'], { ...box.env, TFMFA_CACHE_DIR: dir });
    oneLineFailure(result, /owned by uid \d+, not you \(uid \d+\): remove it or set TFMFA_CACHE_DIR/);
  });

  test('cache directory that is a symlink: refused with the fix', async () => {
    const real = join(box.dir, `real-${++cacheCounter}`);
    mkdirSync(real, { mode: 0o700 });
    const link = join(box.dir, `link-${cacheCounter}`);
    symlinkSync(real, link);
    const result = await run(box, ['credential-process', 'viaproc'], { ...box.env, TFMFA_CACHE_DIR: link });
    oneLineFailure(result, /symlink.*TFMFA_CACHE_DIR|TFMFA_CACHE_DIR.*symlink/);
    assert.deepEqual(readdirSync(real), []);
  });
});

describe('MFA code sources that fail', () => {
  let box: Sandbox;
  before(async () => {
    box = await sandbox();
  });
  after(() => box.cleanup());

  for (const command of ['exec', 'credential-process'] as const) {
    test(
      `no terminal (${command}, detached, no mfa_process): one line naming --mfa-token and ` + `mfa_process`,
      async () => {
        const args = command === 'exec' ? ['exec', 'GEHC-056', '--', '/bin/true'] : ['credential-process', 'GEHC-056'];
        const result = await run(box, args, coldEnv(box));
        oneLineFailure(result, /no terminal.*--mfa-token.*mfa_process/);
        assert.equal(box.emu.count('GetSessionToken'), 0);
      },
    );
  }

  const broken: Array<[string, string, RegExp]> = [
    ['proc-fails', 'exits 3', /mfa_process of profile 'proc-fails' failed \(exit 3\)/],
    ['proc-killed', 'is killed by a signal', /mfa_process of profile 'proc-killed' failed \(killed by SIGKILL\)/],
    ['proc-garbage', 'prints garbage', /mfa_process of profile 'proc-garbage' did not print a 6-digit code/],
    ['proc-empty', 'prints nothing', /mfa_process of profile 'proc-empty' did not print a 6-digit code/],
    [
      'proc-almost',
      'prints a code inside other text',
      /mfa_process of profile 'proc-almost' did not print a 6-digit code/,
    ],
  ];
  for (const [profile, what, pattern] of broken) {
    test(`mfa_process that ${what}: one line naming the profile and the fix, no STS call, nothing cached`, async () => {
      const env = coldEnv(box);
      box.emu.resetCounts();
      const result = await run(box, ['credential-process', profile], env);
      oneLineFailure(result, pattern);
      assert.ok(
        !String(result.stderr).includes('hello') && !String(result.stderr).includes('123456'),
        'what the command printed is not echoed (it might be a secret)',
      );
      assert.equal(box.emu.count(), 0);
      assert.deepEqual(sessionFiles(env.TFMFA_CACHE_DIR as string), []);
    });
  }

  test(
    'mfa_process printing a code AWS rejects: asked again, three attempts in all, then one ' + 'final error line',
    async () => {
      box.emu.resetCounts();
      const result = await run(box, ['credential-process', 'proc-wrong'], coldEnv(box));
      assert.equal(result.exitCode, 1);
      const lines = String(result.stderr).split('\n').filter(Boolean);
      assert.equal(lines.length, 3, `two retry warnings and the error: ${result.stderr}`);
      assert.match(lines[0] as string, /^tfmfa: warning: AWS rejected the MFA code .*\(attempt 2 of 3\)$/);
      assert.match(lines[1] as string, /^tfmfa: warning: AWS rejected the MFA code .*\(attempt 3 of 3\)$/);
      assert.match(lines[2] as string, /^tfmfa: AWS rejected the MFA code/);
      assert.equal(box.emu.count('GetSessionToken'), 3);
    },
  );
});
