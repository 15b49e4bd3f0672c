import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SessionCache } from '../../src/store/session-cache.ts';
import { createSandbox, LONG_ROLE, ROLE_ARN, ROLE_B, ROLE_C, SERIAL, type Sandbox } from '../support/sandbox.ts';

interface ListDocument {
  version: number;
  configFile: string;
  credentialsFile: string;
  cacheDir: string;
  profiles: Array<{
    name: string;
    kind: string;
    roleArn: string | null;
    mfaSerial: string | null;
    region: string | null;
    chain: string[] | null;
    source: { profile: string; kind: string } | null;
    error: string | null;
  }>;
  sessions: Array<{
    label: string;
    kind: string;
    profile: string;
    expiration: string;
    secondsLeft: number;
    expired: boolean;
  }>;
}

/** Every secret the cache holds, and the user's long-term secret: none may ever be printed. */
function secretsIn(box: Sandbox): string[] {
  const secrets = [box.user.secretAccessKey];
  for (const entry of new SessionCache(box.cacheDir).list()) secrets.push(entry.secretAccessKey, entry.sessionToken);
  return secrets;
}

function assertNoSecrets(box: Sandbox, text: string, secrets = secretsIn(box)): void {
  assert.ok(secrets.length > 1, 'there are cached secrets to look for');
  for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret was printed');
}

function ticketNames(box: Sandbox): string[] {
  const dir = join(box.cacheDir, 'tickets');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.ticket'))
        .map((n) => n.replace(/\.ticket$/, ''))
        .sort()
    : [];
}

describe('tfmfa list', () => {
  let box: Sandbox;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };

  before(async () => {
    box = await createSandbox({
      extraConfig: `[profile broken]
source_profile = GEHC-000
role_arn = not-an-arn
[profile sso-dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Dev
[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
[profile proc]
credential_process = /bin/false
[profile from-env]
role_arn = ${ROLE_B}
credential_source = Environment
`,
    });
  });
  after(() => box.cleanup());

  test('--help', async () => {
    const result = await box.tfmfa(['list', '--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^Usage: tfmfa list \[--json\]/);
  });

  test('a table of every profile with its kind, role, MFA device, region and chain; no sessions yet', async () => {
    const result = await box.tfmfa(['list']);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.split('\n');
    const row = (name: string) =>
      lines.find((line) => line.startsWith(`${name} `)) ?? assert.fail(`no row for ${name}:\n${result.stdout}`);
    assert.match(lines[1] ?? '', /^PROFILE\s+KIND\s+KEYS\s+ROLE\s+MFA DEVICE\s+REGION\s+CHAIN$/);
    assert.match(row('GEHC-000'), /^GEHC-000\s+static\s+plaintext\s+-\s+-\s+us-west-2\s+GEHC-000$/);
    assert.match(
      row('GEHC-056'),
      new RegExp(`^GEHC-056\\s+role\\s+-\\s+${ROLE_ARN}\\s+${SERIAL}\\s+us-west-2\\s+GEHC-000 → GEHC-056$`),
    );
    assert.match(
      row('team-c'),
      new RegExp(`^team-c\\s+role\\s+-\\s+${ROLE_C}\\s+${SERIAL}\\s+eu-west-1\\s+GEHC-000 → team-b → team-c$`),
    );
    assert.match(row('plain'), /^plain\s+none\s+.*error: profile 'plain' has no credentials/);
    assert.match(
      row('broken'),
      /^broken\s+role\s+-\s+not-an-arn\s+.*error: profile 'broken': role_arn 'not-an-arn' is not valid/,
    );
    assert.match(row('sso-dev'), /^sso-dev\s+sso\s/);
    assert.match(row('proc'), /^proc\s+process\s/);
    assert.match(row('from-env'), /^from-env\s+role\s.*from-env$/);
    assert.match(result.stdout, /No cached sessions in /);
  });

  test('--json: a stable document, every field present (null when absent)', async () => {
    const result = await box.tfmfa(['list', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as ListDocument;
    assert.equal(doc.version, 1);
    assert.equal(doc.cacheDir, box.cacheDir);
    assert.deepEqual(
      doc.profiles.map((p) => p.name),
      [...doc.profiles.map((p) => p.name)].sort(),
    );
    const byName = new Map(doc.profiles.map((p) => [p.name, p]));
    assert.deepEqual(byName.get('team-c'), {
      name: 'team-c',
      kind: 'role',
      keys: null,
      roleArn: ROLE_C,
      mfaSerial: SERIAL,
      region: 'eu-west-1',
      chain: ['GEHC-000', 'team-b', 'team-c'],
      source: { profile: 'GEHC-000', kind: 'static' },
      error: null,
    });
    assert.deepEqual(byName.get('GEHC-000'), {
      name: 'GEHC-000',
      kind: 'static',
      keys: join(box.home, '.aws', 'credentials'),
      roleArn: null,
      mfaSerial: null,
      region: 'us-west-2',
      chain: ['GEHC-000'],
      source: { profile: 'GEHC-000', kind: 'static' },
      error: null,
    });
    assert.equal(byName.get('from-env')?.source?.kind, 'credential_source');
    assert.equal(byName.get('broken')?.chain, null);
    assert.match(byName.get('broken')?.error ?? '', /role_arn/);
    for (const profile of doc.profiles)
      assert.deepEqual(Object.keys(profile), [
        'name',
        'kind',
        'keys',
        'roleArn',
        'mfaSerial',
        'region',
        'chain',
        'source',
        'error',
      ]);
    assert.deepEqual(doc.sessions, []);
  });

  test('cached sessions with their time left; never a secret, in the table or in JSON', async () => {
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', freshCode(), '--', '/bin/true']);
    assert.equal(warm.exitCode, 0, warm.stderr);
    const warmLong = await box.tfmfa(['exec', 'long', '--mfa-token', freshCode(), '--', '/bin/true']);
    assert.equal(warmLong.exitCode, 0, warmLong.stderr);

    const table = await box.tfmfa(['list']);
    assert.equal(table.exitCode, 0, table.stderr);
    assertNoSecrets(box, table.stdout + table.stderr);
    assert.match(table.stdout, /PROFILE\s+KIND\s+TIME LEFT\s+SESSION/);
    assert.match(
      table.stdout,
      new RegExp(`GEHC-056\\s+session\\s+(7h5\\d|8h0\\d)m\\s+MFA session ${SERIAL} \\(GEHC-000\\)`),
    );
    assert.match(table.stdout, new RegExp(`GEHC-056\\s+role\\s+(5\\dm|1h0\\dm)\\s+role ${ROLE_ARN} \\(GEHC-056\\)`));
    assert.match(table.stdout, new RegExp(`long\\s+role\\s+(3h5\\d|4h0\\d)m\\s+role ${LONG_ROLE} \\(long\\)`));

    const json = await box.tfmfa(['list', '--json']);
    assertNoSecrets(box, json.stdout + json.stderr);
    const doc = JSON.parse(json.stdout) as ListDocument;
    assert.equal(doc.sessions.length, 3);
    const session = doc.sessions.find((s) => s.kind === 'session');
    assert.equal(session?.label, `MFA session ${SERIAL} (GEHC-000)`);
    assert.equal(session?.profile, 'GEHC-056');
    assert.equal(session?.expired, false);
    assert.ok((session?.secondsLeft ?? 0) > 7.5 * 3600 && (session?.secondsLeft ?? 0) <= 8 * 3600 + 300);
    assert.ok(Date.parse(session?.expiration ?? '') > Date.now());
    for (const s of doc.sessions)
      assert.deepEqual(Object.keys(s), ['label', 'kind', 'profile', 'expiration', 'secondsLeft', 'expired']);
  });

  test('an expired entry says "expired"; a corrupt file is skipped', async () => {
    const cache = new SessionCache(box.cacheDir).prepare();
    cache.write({
      version: 1,
      key: 'role|old',
      kind: 'role',
      label: 'role arn:aws:iam::111111111111:role/old (old)',
      profile: 'old',
      accessKeyId: 'ASIAOLD',
      secretAccessKey: 'old-secret-value',
      sessionToken: 'old-token-value',
      expiration: new Date(Date.now() - 60_000).toISOString(),
      createdAt: new Date().toISOString(),
    });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(cache.sessionsDir, `${'0'.repeat(40)}.json`), '{not json', { mode: 0o600 });
    const result = await box.tfmfa(['list']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /old\s+role\s+expired\s+role arn:aws:iam::111111111111:role\/old \(old\)/);
    assert.ok(!result.stdout.includes('old-secret-value') && !result.stdout.includes('old-token-value'));
    const json = JSON.parse((await box.tfmfa(['list', '--json'])).stdout) as ListDocument;
    const old = json.sessions.find((s) => s.profile === 'old');
    assert.equal(old?.expired, true);
    assert.equal(old?.secondsLeft, 0);
  });

  test('--names prints the profile names for completion, one per line, sorted', async () => {
    const result = await box.tfmfa(['list', '--names']);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      'GEHC-000',
      'GEHC-056',
      'broken',
      'from-env',
      'long',
      'plain',
      'proc',
      'sso-dev',
      'team-b',
      'team-c',
    ]);
    const none = await box.tfmfa(['list', '--names'], {
      env: { ...box.env, AWS_CONFIG_FILE: join(box.dir, 'nope'), AWS_SHARED_CREDENTIALS_FILE: join(box.dir, 'nope2') },
    });
    assert.equal(none.exitCode, 0);
    assert.equal(none.stdout, '');
  });

  test('bad input: an argument or an unknown flag is one line, exit 2', async () => {
    const positional = await box.tfmfa(['list', 'GEHC-056']);
    assert.equal(positional.exitCode, 2);
    assert.match(positional.stderr, /^tfmfa: list: unexpected argument 'GEHC-056'[^\n]*$/);
    const flag = await box.tfmfa(['list', '--jsn']);
    assert.equal(flag.exitCode, 2);
    assert.match(flag.stderr, /^tfmfa: list: Unknown option '--jsn'[^\n]*tfmfa list --help[^\n]*$/);
  });

  test('no profiles at all', async () => {
    const result = await box.tfmfa(['list'], {
      env: {
        ...box.env,
        AWS_CONFIG_FILE: join(box.dir, 'nope'),
        AWS_SHARED_CREDENTIALS_FILE: join(box.dir, 'nope2'),
        TFMFA_CACHE_DIR: join(box.dir, 'no-cache'),
      },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^No profiles in .*nope or .*nope2\.\n\nNo cached sessions in .*no-cache\.$/);
    assert.ok(!existsSync(join(box.dir, 'no-cache')), 'list never creates the cache directory');
  });
});

describe('tfmfa clear', () => {
  let box: Sandbox;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  const userFiles = () =>
    [join(box.home, '.aws', 'config'), join(box.home, '.aws', 'credentials')].map((path) => readFileSync(path));
  const labels = () =>
    new SessionCache(box.cacheDir)
      .list()
      .map((entry) => entry.label)
      .sort();
  /** An MFA session, then GEHC-056, team-b and team-c from it, with their tickets. */
  async function warmAll(): Promise<void> {
    rmSync(box.cacheDir, { recursive: true, force: true });
    const first = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', freshCode(), '--', '/bin/true']);
    assert.equal(first.exitCode, 0, first.stderr);
    for (const profile of ['team-b', 'team-c']) {
      const result = await box.tfmfa(['exec', profile, '--', '/bin/true'], { detached: true });
      assert.equal(result.exitCode, 0, result.stderr);
    }
  }

  before(async () => {
    box = await createSandbox({ extraConfig: '' });
  });
  after(() => box.cleanup());

  test('--help', async () => {
    const result = await box.tfmfa(['clear', '--help']);
    assert.equal(result.exitCode, 0);
    assert.match(result.stdout, /^Usage: tfmfa clear \[PROFILE\.\.\.\]/);
  });

  test('nothing cached yet', async () => {
    const all = await box.tfmfa(['clear']);
    assert.equal(all.exitCode, 0, all.stderr);
    assert.match(all.stdout, /^nothing cached in /);
    const one = await box.tfmfa(['clear', 'GEHC-056']);
    assert.equal(one.exitCode, 0, one.stderr);
    assert.equal(one.stdout, "nothing cached for 'GEHC-056'");
  });

  test(
    'PROFILE: removes its chain (with the shared MFA session) and the tickets built on it, ' + 'nothing else',
    async () => {
      await warmAll();
      const before = userFiles();
      const secrets = secretsIn(box);
      assert.deepEqual(ticketNames(box), ['GEHC-056', 'team-b', 'team-c']);
      assert.equal(labels().length, 4);

      const result = await box.tfmfa(['clear', 'team-b']);
      assert.equal(result.exitCode, 0, result.stderr);
      assertNoSecrets(box, result.stdout + result.stderr, secrets);
      assert.match(result.stdout, new RegExp(`^removed MFA session ${SERIAL} \\(GEHC-000\\)$`, 'm'));
      assert.match(result.stdout, new RegExp(`^removed role ${ROLE_B} \\(team-b\\)$`, 'm'));
      assert.match(result.stdout, /^removed the tickets of 'team-b'$/m);
      assert.match(
        result.stdout,
        /^note: 'GEHC-056', 'team-c' used the same MFA session: their next new role session asks for an MFA code$/m,
      );
      assert.doesNotMatch(result.stdout, /hc-master|role\/team-c/);
      assert.deepEqual(labels(), [`role ${ROLE_ARN} (GEHC-056)`, `role ${ROLE_C} (team-c)`]);
      assert.deepEqual(ticketNames(box), ['GEHC-056', 'team-c'], 'the roles still cached keep their tickets');
      assert.deepEqual(userFiles(), before, 'the AWS files are byte-identical');

      // The remaining role still works from the cache, without STS.
      box.emu.resetCounts();
      const still = await box.tfmfa(['exec', 'GEHC-056', '--', '/bin/true'], { detached: true });
      assert.equal(still.exitCode, 0, still.stderr);
      assert.equal(box.emu.count(), 0);
    },
  );

  test('several profiles at once; the same profile twice counts once', async () => {
    await warmAll();
    const result = await box.tfmfa(['clear', 'GEHC-056', 'team-c', 'GEHC-056']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(labels(), []);
    assert.deepEqual(ticketNames(box), []);
    assert.equal(result.stdout.split('\n').filter((line) => line.startsWith('removed MFA session')).length, 1);
  });

  test('no profile: every session and every ticket; the overlay in use, the AWS files and the locks stay', async () => {
    await warmAll();
    const before = userFiles();
    const secrets = secretsIn(box);
    assert.ok(existsSync(join(box.cacheDir, 'overlay')));
    const result = await box.tfmfa(['clear']);
    assert.equal(result.exitCode, 0, result.stderr);
    assertNoSecrets(box, result.stdout + result.stderr, secrets);
    assert.equal(
      result.stdout
        .split('\n')
        .filter((line) => line.startsWith('removed MFA session') || line.startsWith('removed role')).length,
      4,
    );
    assert.match(result.stdout, /^removed the tickets of 'GEHC-056', 'team-b', 'team-c'$/m);
    assert.match(
      result.stdout,
      /^kept 1 config overlay\(s\): commands running in a session may read them \(they hold no secret\)$/m,
    );
    assert.deepEqual(readdirSync(join(box.cacheDir, 'sessions')), []);
    assert.deepEqual(readdirSync(join(box.cacheDir, 'tickets')), []);
    assert.equal(
      readdirSync(join(box.cacheDir, 'overlay')).length,
      1,
      'its AWS files exist: a running command may use it',
    );
    assert.deepEqual(userFiles(), before, 'the AWS files are byte-identical');
    assert.ok(
      readFileSync(join(box.home, '.aws', 'credentials'), 'utf8').includes(box.user.secretAccessKey),
      'long-term keys untouched',
    );

    // A new session needs a code again.
    box.emu.resetCounts();
    const again = await box.tfmfa(['exec', 'team-b', '--mfa-token', freshCode(), '--', '/bin/true']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(box.emu.count('GetSessionToken'), 1);
  });

  test('only files tfmfa writes are removed', async () => {
    const sessions = join(box.cacheDir, 'sessions');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(sessions, 'notes.txt'), 'mine');
    mkdirSync(join(box.cacheDir, 'overlay', 'keep-me'), { recursive: true });
    const result = await box.tfmfa(['clear']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(readdirSync(sessions), ['notes.txt']);
    assert.ok(existsSync(join(box.cacheDir, 'overlay', 'keep-me')));
    rmSync(join(sessions, 'notes.txt'));
  });

  test('unknown profile: one line with suggestions, exit 2, nothing removed', async () => {
    await warmAll();
    const count = labels().length;
    const result = await box.tfmfa(['clear', 'team-b', 'GEHC-05']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^tfmfa: clear: profile 'GEHC-05' not found: did you mean 'GEHC-056', 'GEHC-000'\?$/);
    assert.equal(result.stdout, '');
    assert.equal(labels().length, count);
    const flag = await box.tfmfa(['clear', '--all']);
    assert.equal(flag.exitCode, 2);
    assert.match(flag.stderr, /^tfmfa: clear: Unknown option '--all'/);
  });

  test('a profile whose config broke: its recorded entries go, with a warning', async () => {
    await warmAll();
    box.writeConfig(`[profile GEHC-056]\nrole_arn = broken\n`);
    try {
      const result = await box.tfmfa(['clear', 'GEHC-056']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(
        result.stderr,
        /warning: .*role_arn 'broken'.*clearing only the 2 cached session\(s\) recorded for 'GEHC-056'/,
      );
      assert.match(result.stdout, new RegExp(`^removed role ${ROLE_ARN} \\(GEHC-056\\)$`, 'm'));
    } finally {
      box.writeConfig('');
    }
  });

  test('a cache path that is a symlink is refused, and what it points at is left alone', async () => {
    const target = join(box.dir, 'elsewhere');
    mkdirSync(join(target, 'sessions'), { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(target, 'sessions', `${'a'.repeat(40)}.json`), '{}');
    const link = join(box.dir, 'cache-link');
    symlinkSync(target, link);
    const result = await box.tfmfa(['clear'], { env: { ...box.env, TFMFA_CACHE_DIR: link } });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^tfmfa: cache path .*cache-link is not a directory \(or is a symlink\)/);
    assert.deepEqual(readdirSync(join(target, 'sessions')), [`${'a'.repeat(40)}.json`]);
  });
});
