// The vault passphrase never reaches a program tfmfa starts (issue 21.5). Every place in src/ that starts a
// program is enumerated (a new one fails the last test until it is listed here with a run that covers it), and
// each is run for real, with TFMFA_FILE_PASSPHRASE set, against a stand-in that records its environment: the
// command of exec (static keys, an existing session, --server), a Node shim's real tool (marker, pass-through,
// ticket, resolution, a long run with nothing to add), the shell launcher's real tool (marker, pass-through,
// ticket), mfa_process, a prompt dialog (kdialog) and ykman, notify-send, the browser of `login`, and a
// credential_process source run by the AWS SDK. Nested tfmfa runs (the overlay's credential_process inside exec)
// inherit the command's environment: no passphrase either (README, Security).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, ROLE_B, ROOT, SERIAL } from '../support/sandbox.ts';
import { createKeystoreSandbox, PASSPHRASE as PASSPHRASE_OF_VAULT } from './keystore/support.ts';
import { createShimWorld, type ShimWorld } from '../support/shim-world.ts';
import { createStandIn, createYkman, type StandIn, type Ykman } from '../support/stand-in.ts';

const NAME = 'TFMFA_FILE_PASSPHRASE';
const PASSPHRASE = 'pp-never-for-children-7f3a9';
/** Passed by the parent too: proves that a recorded environment is the one tfmfa built from its own. */
const CANARY = 'CANARY_FROM_PARENT';

/**
 * Every file in src/ that starts a program (or hands one its environment: replaceProcess, startChild), with how
 * many places in it do, and the runs below that cover them.
 */
const SITES: Record<string, { count: number; runs: string[] }> = {
  'commands/exec.ts': { count: 2, runs: ['exec', 'exec in a session'] },
  'server/run-with-server.ts': { count: 1, runs: ['exec --server', 'shim long run'] },
  'launch/child.ts': { count: 1, runs: ['exec --server', 'shim long run'] },
  // `setpriv --help` (is --pdeathsig there?), at a fixed path: its environment is the builder's but cannot be
  // recorded here; the command it then wraps is (exec --server).
  'server/orphan-guard.ts': { count: 1, runs: ['exec --server'] },
  // execve, or without it spawnAndMirror → startChild: the caller's environment, unchanged.
  'launch/replace-process.ts': { count: 3, runs: ['exec', 'node shim marker'] },
  'shim/run.ts': {
    count: 4,
    runs: ['node shim marker', 'node shim pass-through', 'node shim ticket', 'node shim resolution'],
  },
  'shim/serve.ts': { count: 1, runs: ['shim long run, nothing to add'] },
  'mfa/process.ts': { count: 1, runs: ['mfa_process'] },
  'mfa/program.ts': { count: 1, runs: ['kdialog', 'ykman'] },
  'mfa/touch-notice.ts': { count: 1, runs: ['notify-send'] },
  'login/browser.ts': { count: 1, runs: ['browser'] },
  'shim/launcher/launcher.sh': { count: 3, runs: ['launcher marker', 'launcher pass-through', 'launcher ticket'] },
  // aws-vault itself (import --from aws-vault's export route): the one program that gets aws-vault's passphrase.
  'keystore/aws-vault/export-store.ts': { count: 1, runs: ['aws-vault export'] },
};

/**
 * The places that start a program: Node's and execa's calls, execve, and tfmfa's own wrappers; the launcher's exec
 * of the real tool.
 */
function startSites(): Map<string, number> {
  const sites = new Map<string, number>();
  const call = new RegExp(
    String.raw`(?<![.\w])(spawn|spawnSync|execa|execaSync|execFile|execFileSync|execSync|fork|execve|replacePr` +
      String.raw`ocess|startChild|spawnAndMirror)\(`,
  );
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
    );
  for (const file of walk(join(ROOT, 'src'))) {
    const name = relative(join(ROOT, 'src'), file);
    const lines = readFileSync(file, 'utf8').split('\n');
    const found = file.endsWith('.ts')
      ? lines.filter((line) => call.test(line) && !/^\s*(\/\/|\*|import )/.test(line) && !/function \w+\(/.test(line))
          .length
      : file.endsWith('.sh')
        ? lines.filter((line) => /^\s*exec "\$_tf_real"/.test(line)).length
        : 0;
    if (found > 0) sites.set(name, found);
  }
  return sites;
}

describe('no program tfmfa starts gets the vault passphrase', () => {
  let world: ShimWorld;
  let bin: string;
  let kdialog: StandIn;
  let ykman: Ykman;
  let notifySend: StandIn;
  let browser: StandIn;
  let dumps: string;
  let round = 0;
  /** What each run's started program saw. */
  const seen = new Map<string, Record<string, string>>();

  before(async () => {
    world = await createShimWorld({
      extraConfig: (box) => {
        const dumpScript = join(box.dir, 'dump-env.mjs');
        writeFileSync(
          dumpScript,
          "process.getBuiltinModule('node:fs').appendFileSync(process.argv[2], JSON.stringify(process.env) + '\\n');\n",
        );
        const dump = (file: string) =>
          `${JSON.stringify(process.execPath)} ${JSON.stringify(dumpScript)} ${JSON.stringify(join(box.dir, file))}`;
        const keys = JSON.stringify({
          Version: 1,
          AccessKeyId: box.user.accessKeyId,
          SecretAccessKey: box.user.secretAccessKey,
        });
        // aws-vault as a credential_process source (no aws-vault package here: a stand-in that, like aws-vault's
        // file backend run without a terminal, gives keys only with AWS_VAULT_FILE_PASSPHRASE set).
        const awsVault = join(box.dir, 'aws-vault');
        writeFileSync(
          awsVault,
          `#!/bin/sh\n${dump('aws-vault-source.jsonl')}\n` +
            `[ "$AWS_VAULT_FILE_PASSPHRASE" = for-aws-vault-only ] || ` +
            `{ echo 'aws-vault: no passphrase' >&2; exit 1; }\n` +
            `printf '%s\\n' '${keys}'\n`,
          { mode: 0o755 },
        );
        return `[profile mp]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${dump('mfa-process.jsonl')} && ${box.mfaProcess}
[profile cp-source]
credential_process = sh -c '${dump('credential-process.jsonl')} && echo ${keys.replace(/"/g, '\\"')}'
[profile av-source]
credential_process = ${awsVault} export --format=json av-source
[profile via-av]
source_profile = av-source
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${box.mfaProcess}
[profile via-cp]
source_profile = cp-source
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
mfa_process = ${box.mfaProcess}
[profile yk]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
`;
      },
    });
    bin = join(world.box.dir, 'stand-ins');
    dumps = world.box.dir;
    mkdirSync(bin);
    kdialog = createStandIn(bin, 'kdialog');
    ykman = createYkman(bin);
    notifySend = createStandIn(bin, 'notify-send');
    browser = createStandIn(bin, 'browser');
  });
  after(() => world.cleanup());

  /** The sandbox with the passphrase and the canary, stand-ins first on PATH, and a cache of its own when `cold`. */
  const env = (extra: Record<string, string | undefined> = {}, cold = true) =>
    world.env('node', {
      PATH: `${bin}:${world.nodeShims}:${world.fakeBin}:${world.box.env.PATH}`,
      [NAME]: PASSPHRASE,
      [CANARY]: 'yes',
      ...(cold ? { TFMFA_CACHE_DIR: join(world.box.dir, `cache-${++round}`) } : {}),
      ...extra,
    });
  const lastTool = () => world.last('terraform').env;
  const lastLine = (file: string) =>
    JSON.parse(readFileSync(join(dumps, file), 'utf8').trim().split('\n').at(-1) as string) as Record<string, string>;

  function record(run: string, got: Record<string, string> | undefined): void {
    assert.ok(got, `${run}: the program ran`);
    assert.equal(got[CANARY], 'yes', `${run}: the environment is the one tfmfa built from its own`);
    assert.equal(got[NAME], undefined, `${run}: no passphrase`);
    assert.ok(!Object.values(got).includes(PASSPHRASE), `${run}: the passphrase under no name`);
    seen.set(run, got);
  }

  const ok = (result: { exitCode?: number; stderr: unknown }, run: string) =>
    assert.equal(result.exitCode, 0, `${run}: ${String(result.stderr)}`);
  const tfmfa = (args: string[], runEnv: Record<string, string>) =>
    world.box.tfmfa(args, { env: runEnv, detached: true });

  test('exec: the command, with a new session, inside a session, and in server mode', async () => {
    const tool = join(world.fakeBin, 'terraform');
    ok(await tfmfa(['exec', 'GEHC-056', '--mfa-token', world.freshCode(), '--', tool, 'plan'], env()), 'exec');
    record('exec', lastTool());
    const inside = env({
      TFMFA_PROFILE: 'GEHC-056',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    ok(await tfmfa(['exec', 'GEHC-056', '--', tool, 'plan'], inside), 'exec in a session');
    record('exec in a session', lastTool());
    ok(
      await tfmfa(['exec', '--server', 'GEHC-056', '--mfa-token', world.freshCode(), '--', tool, 'apply'], env()),
      'exec --server',
    );
    assert.ok(lastTool().AWS_CONTAINER_CREDENTIALS_FULL_URI);
    record('exec --server', lastTool());
  });

  test("a Node shim's real tool: marker, pass-through, ticket, resolution, long runs", async () => {
    const shim = (args: string[], runEnv: Record<string, string>) =>
      world.run('node', 'terraform', args, { fullEnv: runEnv });
    ok(
      await shim(
        ['plan'],
        env({ TFMFA_PROFILE: 'GEHC-056', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }),
      ),
      'marker',
    );
    record('node shim marker', lastTool());
    ok(await shim(['version'], env({ AWS_PROFILE: 'GEHC-056' })), 'pass-through');
    record('node shim pass-through', lastTool());
    const warm = env({ AWS_PROFILE: 'GEHC-056' });
    await world.warm('GEHC-056', warm);
    ok(await shim(['plan'], warm), 'ticket');
    record('node shim ticket', lastTool());
    world.box.emu.advance(30);
    ok(await shim(['plan'], env({ AWS_PROFILE: 'mp' })), 'resolution');
    record('node shim resolution', lastTool());
    record('mfa_process', lastLine('mfa-process.jsonl'));
    world.box.emu.advance(30);
    ok(await shim(['apply'], env({ AWS_PROFILE: 'mp', TFMFA_LONG_RUN: undefined })), 'long run');
    assert.ok(lastTool().AWS_CONTAINER_CREDENTIALS_FULL_URI);
    record('shim long run', lastTool());
    ok(await shim(['apply'], env({ AWS_PROFILE: 'plain', TFMFA_LONG_RUN: undefined })), 'long run, nothing to add');
    assert.equal(lastTool().AWS_CONTAINER_CREDENTIALS_FULL_URI, undefined);
    record('shim long run, nothing to add', lastTool());
  });

  test("the shell launcher's real tool: marker, pass-through, ticket (served without Node)", async () => {
    const launch = (args: string[], runEnv: Record<string, string>) =>
      world.run('launcher', 'terraform', args, {
        fullEnv: { ...runEnv, PATH: `${world.launcherShims}:${world.fakeBin}:${world.box.env.PATH}` },
      });
    const before = world.fallbacks();
    ok(
      await launch(
        ['plan'],
        env({ TFMFA_PROFILE: 'GEHC-056', AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' }),
      ),
      'marker',
    );
    record('launcher marker', lastTool());
    ok(await launch(['version'], env({ AWS_PROFILE: 'GEHC-056' })), 'pass-through');
    record('launcher pass-through', lastTool());
    const warm = env({ AWS_PROFILE: 'GEHC-056' });
    await world.warm('GEHC-056', warm);
    ok(await launch(['plan'], warm), 'ticket');
    record('launcher ticket', lastTool());
    assert.equal(world.fallbacks(), before, 'the launcher ran them without Node');
  });

  test('prompt programs: a dialog (kdialog), ykman, and the touch notice (notify-send)', async () => {
    kdialog.plan([{ stdout: `${world.freshCode()}\n` }]);
    ok(
      await tfmfa(
        ['exec', 'yk', '--', join(world.fakeBin, 'terraform')],
        env({ TFMFA_PROMPT: 'kdialog', DISPLAY: ':1999' }),
      ),
      'kdialog',
    );
    record('kdialog', kdialog.calls().at(-1)?.env);
    ykman.setKey({ [SERIAL]: { code: world.freshCode(), touch: true } });
    ok(
      await tfmfa(
        ['exec', 'yk', '--', join(world.fakeBin, 'terraform')],
        env({ TFMFA_PROMPT: 'ykman', DISPLAY: ':1999' }),
      ),
      'ykman',
    );
    record('ykman', ykman.calls().at(-1)?.env);
    record('notify-send', notifySend.calls().at(-1)?.env);
  });

  test('the browser of tfmfa login', async () => {
    ok(
      await tfmfa(
        ['login', 'GEHC-056', '--mfa-token', world.freshCode(), '--federation-url', `${world.box.emu.url}/federation`],
        env({ BROWSER: browser.path }),
      ),
      'login',
    );
    for (let i = 0; i < 50 && browser.calls().length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    record('browser', browser.calls().at(-1)?.env);
  });

  test('a credential_process source, run by the AWS SDK', async () => {
    world.box.emu.advance(30);
    ok(await tfmfa(['exec', 'via-cp', '--', join(world.fakeBin, 'terraform')], env()), 'credential_process source');
    record('credential_process source', lastLine('credential-process.jsonl'));
    record('exec via a credential_process source', lastTool());
  });

  test(
    "aws-vault's passphrase reaches aws-vault only: import --from aws-vault's export route, and " +
      "not exec's command",
    async () => {
      const awsVault = createStandIn(bin, 'aws-vault');
      const lee = world.box.emu.addUser({ userName: 'lee', accountId: '222222222222' });
      const exported = JSON.stringify({
        Version: 1,
        AccessKeyId: lee.accessKeyId,
        SecretAccessKey: lee.secretAccessKey,
        SessionToken: '',
        Expiration: '',
      });
      awsVault.plan([{ stdout: 'lee\n' }, { stdout: `${exported}\n` }]);
      const foreign = {
        AWS_VAULT_BACKEND: 'pass',
        AWS_VAULT_FILE_PASSPHRASE: 'for-aws-vault-only',
        TFMFA_BACKEND: 'file',
      };
      ok(await tfmfa(['import', '--from', 'aws-vault', '--no-verify', 'lee'], env(foreign)), 'aws-vault export');
      const calls = awsVault.calls();
      assert.deepEqual(
        calls.map((call) => call.argv[0]),
        ['list', 'export'],
      );
      for (const call of calls)
        assert.equal(call.env.AWS_VAULT_FILE_PASSPHRASE, 'for-aws-vault-only', 'aws-vault gets its own passphrase');
      record('aws-vault export', calls.at(-1)?.env);
      ok(
        await tfmfa(
          ['exec', 'GEHC-056', '--mfa-token', world.freshCode(), '--', join(world.fakeBin, 'terraform'), 'plan'],
          env(foreign),
        ),
        'exec',
      );
      assert.equal(
        lastTool().AWS_VAULT_FILE_PASSPHRASE,
        undefined,
        "exec's command does not get aws-vault's passphrase",
      );
    },
  );

  test("aws-vault's passphrase is withdrawn: a credential_process source run by the SDK does not see it", async () => {
    world.box.emu.advance(30);
    const foreign = { AWS_VAULT_FILE_PASSPHRASE: 'for-aws-vault-only' };
    ok(await tfmfa(['exec', 'via-cp', '--', join(world.fakeBin, 'terraform')], env(foreign)), 'credential_process');
    const source = lastLine('credential-process.jsonl');
    record('credential_process source, aws-vault passphrase set', source);
    assert.equal(source.AWS_VAULT_FILE_PASSPHRASE, undefined, "no aws-vault passphrase in the source's environment");
    assert.ok(!Object.values(source).includes('for-aws-vault-only'), 'under no name');
  });

  test("a credential_process source that is aws-vault gets aws-vault's passphrase, nothing of tfmfa's", async () => {
    world.box.emu.advance(30);
    const foreign = { AWS_VAULT_FILE_PASSPHRASE: 'for-aws-vault-only' };
    ok(await tfmfa(['exec', 'via-av', '--', join(world.fakeBin, 'terraform')], env(foreign)), 'aws-vault source');
    const source = lastLine('aws-vault-source.jsonl');
    assert.equal(source.AWS_VAULT_FILE_PASSPHRASE, 'for-aws-vault-only', 'aws-vault reads it, as it did before tfmfa');
    assert.equal(source[CANARY], 'yes', 'the environment is the one tfmfa built from its own');
    assert.equal(source[NAME], undefined, 'no tfmfa passphrase');
    assert.equal(lastTool().AWS_VAULT_FILE_PASSPHRASE, undefined, 'the command tfmfa runs does not get it');
  });

  test('every place in src/ that starts a program is listed, and every listed run happened', () => {
    const found = Object.fromEntries(startSites());
    assert.deepEqual(found, Object.fromEntries(Object.entries(SITES).map(([file, site]) => [file, site.count])));
    for (const [file, site] of Object.entries(SITES)) {
      for (const run of site.runs) assert.ok(seen.has(run), `${file}: run '${run}' happened without the passphrase`);
    }
  });
});

describe('a nested tfmfa inside exec, with the long-term keys in the vault', () => {
  let box: Awaited<ReturnType<typeof createKeystoreSandbox>>;
  before(async () => {
    box = await createKeystoreSandbox({ backend: 'file' });
    const imported = await box.tfmfa(['import', 'GEHC-000', '--yes']);
    assert.equal(imported.exitCode, 0, imported.stderr);
  });
  after(() => box.cleanup());

  const code = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };

  test(
    'reuses the MFA session without the passphrase; where it must open the vault, it says so ' + 'in one line',
    async () => {
      const nested = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} credential-process`;
      const script = [
        `printf '%s\\n' "\${${NAME}-unset}"`,
        `${nested} team-b >/dev/null && echo reused`,
        `rm -rf "$TFMFA_CACHE_DIR/sessions"`,
        `${nested} --mfa-token ${code()} team-c >/dev/null 2>"$TFMFA_CACHE_DIR/../nested.err" || echo refused`,
      ].join('; ');
      const result = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', code(), '--', 'sh', '-c', script], {
        detached: true,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.deepEqual(result.stdout.trim().split('\n'), ['unset', 'reused', 'refused']);
      const error = readFileSync(join(box.cacheDir, '..', 'nested.err'), 'utf8');
      assert.match(error, /^tfmfa: [^\n]*TFMFA_FILE_PASSPHRASE[^\n]*\n$/, 'one line naming the variable');
      assert.ok(!error.includes(PASSPHRASE_OF_VAULT));
    },
  );
});
