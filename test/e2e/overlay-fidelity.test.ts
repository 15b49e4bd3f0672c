// Issue 11, the overlay's half: each defect as a plain example (each fails on the line-filter overlay), the
// binding of an overlay to its files' identity, clear while a command runs, and the refusals.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadAwsFiles } from '../../src/config/load.ts';
import { UserError } from '../../src/errors.ts';
import { ensureOverlay, type OverlayContext } from '../../src/overlay/overlay.ts';
import { writeAwsFiles } from '../support/aws-files.ts';
import { botocoreRead, hasBotocore } from '../support/botocore.ts';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

const NODE = '/opt/node dir/bin/node';
const ENTRY = "/opt/tf'mfa/dist/cli.js";
const AWS_CLI = '/usr/bin/aws';
const ROLE = 'arn:aws:iam::111111111111:role/admin';
const DEVICE = 'arn:aws:iam::222222222222:mfa/me';
const BASE_KEYS = '[base]\naws_access_key_id = AKIABASEKEY\naws_secret_access_key = base-long-term-secret\n';

/** Splits a credential_process command as the JS and Go SDKs run it: /bin/sh -c. */
function shWords(command: string): string[] {
  const out = spawnSync('/bin/sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.split('\0').slice(0, -1);
}

interface Made {
  files: Awaited<ReturnType<typeof loadAwsFiles>>;
  overlay: Awaited<ReturnType<typeof loadAwsFiles>>;
  configPath: string;
  credentialsPath: string;
  text: string;
  credentialsText: string;
  rewritten: string[];
}

/**
 * Writes the user's files (in `dir` if given), builds their overlay in a private cache, parses it back with the
 * SDK.
 */
async function overlayOf(
  config: string,
  credentials: string,
  work: (made: Made) => Promise<void> | void,
  options: { dir?: string; context?: Partial<OverlayContext> } = {},
): Promise<void> {
  const fixture = writeAwsFiles(config, credentials, options.dir);
  const cacheDir = mkdtempSync(join(tmpdir(), 'tfmfa-overlay-cache-'));
  try {
    const files = await loadAwsFiles(fixture);
    const made = ensureOverlay({ cacheDir, files, node: NODE, entryPoint: ENTRY, user: 'u', ...options.context });
    const overlay = await loadAwsFiles(made);
    await work({
      files,
      overlay,
      ...made,
      text: readFileSync(made.configPath, 'utf8'),
      credentialsText: readFileSync(made.credentialsPath, 'utf8'),
    });
  } finally {
    fixture.cleanup();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** The profile is credential_process for the JS SDK's parser, for sh and for botocore, naming `name` after `--`. */
function assertRewritten(made: Made, name: string): string[] {
  const command = made.overlay.profiles.get(name)?.credential_process;
  assert.ok(command, `the JS SDK reads credential_process for '${name}':\n${made.text}${made.credentialsText}`);
  const argv = shWords(command);
  assert.deepEqual(argv.slice(0, 4), [NODE, ENTRY, 'credential-process', '--config-file']);
  assert.deepEqual(argv.slice(-2), ['--', name]);
  if (hasBotocore()) {
    const boto = botocoreRead(made.configPath, made.credentialsPath);
    assert.equal(boto.error, undefined, `botocore parses the overlay: ${boto.error}`);
    assert.deepEqual(boto.argv[name], argv, `botocore splits the command as sh does:\n${made.text}`);
  }
  return argv;
}

function assertNoKeyMaterial(made: Made, ...values: string[]): void {
  for (const value of values)
    assert.ok(
      !made.text.includes(value) && !made.credentialsText.includes(value),
      `the overlay holds ${value}:\n${made.text}\n${made.credentialsText}`,
    );
}

describe('the overlay reads the files as the SDK does (issue 11 examples)', () => {
  test(
    'indented keys: no secret is copied, and botocore does not read kept lines as a continuation ' +
      'of credential_process',
    async () => {
      const config =
        `[profile base]\n  aws_access_key_id = AKIAINDENTED\n  aws_secret_access_key = ` +
        `indented-secret\n  region = us-west-2\n[profile admin]\n  role_arn = ${ROLE}\n  source_profile = ` +
        `base\n  mfa_serial = ${DEVICE}\n  region = eu-west-1\n`;
      await overlayOf(config, '', (made) => {
        assertNoKeyMaterial(made, 'AKIAINDENTED', 'indented-secret');
        assertRewritten(made, 'admin');
        assertRewritten(made, 'base');
        assert.equal(made.overlay.profiles.get('admin')?.region, 'eu-west-1');
        if (hasBotocore())
          assert.equal(botocoreRead(made.configPath, made.credentialsPath).profiles.admin?.region, 'eu-west-1');
      });
    },
  );

  test('[profile "name"] (quoted) is rewritten and its static keys are not copied', async () => {
    const config =
      `[profile "quoted-role"]\nrole_arn = ${ROLE}\nsource_profile = quoted-keys\nmfa_serial ` +
      `= ${DEVICE}\n[profile 'quoted-keys']\naws_access_key_id = AKIAQUOTED\naws_secret_access_key = quoted-secret\n`;
    await overlayOf(config, '', (made) => {
      assertNoKeyMaterial(made, 'AKIAQUOTED', 'quoted-secret');
      assertRewritten(made, 'quoted-role');
      assertRewritten(made, 'quoted-keys');
      assert.deepEqual(made.rewritten.sort(), ['quoted-keys', 'quoted-role']);
    });
  });

  test('a comment after a header: the keys go where the SDK puts them, and no secret is copied', async () => {
    // `[profile x]# prod` is no header for the JS SDK (no space before #): its keys belong to 'prev'.
    const config =
      `[profile prev]\nregion = us-east-1\n[profile x]# prod\naws_access_key_id = ` +
      `AKIAHEADERCOMMENT\naws_secret_access_key = header-comment-secret\n[profile y] ; staging\nrole_arn ` +
      `= ${ROLE}\nsource_profile = prev\n`;
    await overlayOf(config, '', (made) => {
      assertNoKeyMaterial(made, 'AKIAHEADERCOMMENT', 'header-comment-secret');
      assert.ok(!made.files.profiles.has('x'));
      assertRewritten(made, 'prev');
      assertRewritten(made, 'y');
      assert.equal(made.overlay.profiles.get('prev')?.region, 'us-east-1');
    });
  });

  test('a profile named -dev is passed after --, never as an option', async () => {
    await overlayOf(
      `[profile -dev]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${DEVICE}\n`,
      BASE_KEYS,
      (made) => {
        const argv = assertRewritten(made, '-dev');
        assert.equal(argv.indexOf('-dev'), argv.length - 1);
        assert.equal(argv.at(-2), '--');
      },
    );
  });

  test(
    "a config path with ' #' or ' ;' reaches credential_process whole for every SDK (through a " +
      'link in the overlay)',
    async () => {
      const parent = mkdtempSync(join(tmpdir(), 'tfmfa-hostile-'));
      const dir = join(parent, "team #2 ;x 'q'");
      mkdirSync(dir);
      try {
        await overlayOf(
          `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${DEVICE}\n`,
          BASE_KEYS,
          (made) => {
            const argv = assertRewritten(made, 'admin');
            const config = argv[argv.indexOf('--config-file') + 1] as string;
            const credentials = argv[argv.indexOf('--credentials-file') + 1] as string;
            assert.ok(
              !/^[^#].*[#;]/m.test(made.text),
              'no # or ; in any line but the comment at the top (the Go SDK cuts lines there)',
            );
            assert.equal(readlinkSync(config), join(dir, '.aws', 'config'));
            assert.equal(readlinkSync(credentials), join(dir, '.aws', 'credentials'));
            assert.ok(config.startsWith('/') && credentials.startsWith('/'));
          },
          { dir },
        );
      } finally {
        rmSync(parent, { recursive: true, force: true });
      }
    },
  );
});

describe('what the overlay refuses', () => {
  test(
    'the profile in use cannot be written: one line naming it, nothing written; other such ' + 'profiles are left out',
    async () => {
      const credentials =
        `${BASE_KEYS}[team#1]\naws_access_key_id = AKIAHASH\naws_secret_access_key = ` +
        `hash-secret\n[DEFAULT]\nregion = eu-west-1\n`;
      await assert.rejects(
        overlayOf('[profile ok]\nregion = us-east-1\n', credentials, () => assert.fail('refused'), {
          context: { profile: 'team#1' },
        }),
        (error: unknown) =>
          error instanceof UserError &&
          /^profile 'team#1' cannot be written into the config overlay: [^\n]+--no-overlay/.test(error.message),
      );
      await overlayOf(
        '[profile ok]\nregion = us-east-1\n',
        credentials,
        (made) => {
          assert.ok(!made.overlay.profiles.has('team#1') && !made.overlay.profiles.has('DEFAULT'), 'left out');
          assertNoKeyMaterial(made, 'AKIAHASH', 'hash-secret');
          assertRewritten(made, 'base');
          assert.equal(made.overlay.profiles.get('ok')?.region, 'us-east-1');
        },
        { context: { profile: 'ok' } },
      );
    },
  );

  test('a tfmfa path no credential_process line can hold (a # in the Node path) is refused with the fix', async () => {
    await assert.rejects(
      overlayOf('[profile ok]\nregion = us-east-1\n', BASE_KEYS, () => assert.fail('refused'), {
        context: { node: '/opt/node #2/bin/node' },
      }),
      (error: unknown) =>
        error instanceof UserError &&
        /^config overlay: the path "\/opt\/node #2\/bin\/node" contains a # or ;[^\n]*--no-overlay/.test(error.message),
    );
  });
});

describe('an overlay is bound to the identity of its files', () => {
  test(
    'a replaced file (same path, size and mtime; another inode) regenerates it; unchanged ' + 'files reuse it',
    async () => {
      const fixture = writeAwsFiles('[profile a]\nregion = us-east-1\n', BASE_KEYS);
      const cacheDir = mkdtempSync(join(tmpdir(), 'tfmfa-overlay-cache-'));
      try {
        const make = async () =>
          ensureOverlay({ cacheDir, files: await loadAwsFiles(fixture), node: NODE, entryPoint: ENTRY, user: 'u' });
        const first = await make();
        const written = statSync(first.configPath).mtimeMs;
        assert.equal(statSync((await make()).configPath).mtimeMs, written, 'reused');
        const { mtime } = statSync(fixture.configPath);
        writeFileSync(`${fixture.configPath}.new`, '[profile b]\nregion = us-east-1\n');
        utimesSync(`${fixture.configPath}.new`, mtime, mtime);
        renameSync(`${fixture.configPath}.new`, fixture.configPath);
        const second = await make();
        assert.equal(second.configPath, first.configPath, 'same files, same directory');
        assert.match(readFileSync(second.configPath, 'utf8'), /\[profile b\]/, 'regenerated for the new file');
      } finally {
        fixture.cleanup();
        rmSync(cacheDir, { recursive: true, force: true });
      }
    },
  );
});

describe('an overlay names files as the SDK opens them', () => {
  test('AWS_CONFIG_FILE=~/…: the command names $HOME/…, absolute', async () => {
    const fixture = writeAwsFiles(
      `[profile admin]\nrole_arn = ${ROLE}\nsource_profile = base\nmfa_serial = ${DEVICE}\n`,
      BASE_KEYS,
    );
    const cacheDir = mkdtempSync(join(tmpdir(), 'tfmfa-overlay-cache-'));
    const home = process.env.HOME;
    process.env.HOME = fixture.dir;
    try {
      const files = await loadAwsFiles({ configPath: '~/.aws/config', credentialsPath: '~/.aws/credentials' });
      assert.ok(files.profiles.has('admin'), 'the SDK read ~/ as HOME');
      const made = ensureOverlay({ cacheDir, files, node: NODE, entryPoint: ENTRY, user: 'u' });
      const argv = shWords((await loadAwsFiles(made)).profiles.get('admin')?.credential_process ?? '');
      assert.equal(argv[argv.indexOf('--config-file') + 1], realpathSync(fixture.configPath));
      assert.equal(argv[argv.indexOf('--credentials-file') + 1], realpathSync(fixture.credentialsPath));
    } finally {
      process.env.HOME = home;
      fixture.cleanup();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('overlay identity and clear, end to end', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  before(async () => {
    box = await createSandbox();
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
    box.emu.advance(30);
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
    assert.equal(warm.exitCode, 0, warm.stderr);
  });
  after(() => box.cleanup());

  test(
    'a relative AWS_CONFIG_FILE in two directories: two overlays, each naming its own file by ' + 'absolute path',
    async () => {
      const overlays: string[] = [];
      for (const [project, region] of [
        ['project-a', 'eu-west-1'],
        ['project-b', 'ap-south-1'],
      ] as const) {
        const dir = join(box.dir, project);
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, 'aws-config'),
          `${readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8')}\n[profile marker]\nregion = ${region}\n`,
        );
        const result = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
          cwd: dir,
          env: { ...box.env, AWS_CONFIG_FILE: 'aws-config' },
          detached: true,
        });
        assert.equal(result.exitCode, 0, result.stderr);
        const overlay = readRecords(tool.recordsFile).at(-1)!.env.AWS_CONFIG_FILE as string;
        const text = readFileSync(overlay, 'utf8');
        assert.match(text, new RegExp(`\\[profile marker\\]\\nregion = ${region}\\n`));
        assert.ok(
          text.includes(`--config-file ${join(dir, 'aws-config')} `),
          `absolute path of ${project}'s file:\n${text}`,
        );
        // Nested tfmfa (a child in another directory: terragrunt's cache, -chdir) reads the same file.
        assert.equal(readRecords(tool.recordsFile).at(-1)!.env.TFMFA_CONFIG_FILE, join(dir, 'aws-config'));
        overlays.push(overlay);
      }
      assert.notEqual(overlays[0], overlays[1]);
    },
  );

  test(
    'clear while an exec child runs: the child still finds its profiles in the overlay',
    { skip: !existsSync(AWS_CLI) && 'no AWS CLI' },
    async () => {
      const marker = join(box.dir, 'child-started');
      const script =
        `touch ${JSON.stringify(marker)}; sleep 2; ${AWS_CLI} configure get region --profile ` +
        `team-c && cat "$AWS_CONFIG_FILE" > /dev/null`;
      const child = box.tfmfa(['exec', 'GEHC-056', '--', '/bin/sh', '-c', script], { detached: true });
      for (let i = 0; i < 100 && !existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(marker), 'the child started');
      const cleared = await box.tfmfa(['clear']);
      assert.equal(cleared.exitCode, 0, cleared.stderr);
      assert.match(cleared.stdout, /^kept \d+ config overlay\(s\)/m);
      assert.deepEqual(readdirSync(join(box.cacheDir, 'sessions')), [], 'the sessions are forgotten');
      const result = await child;
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stdout.trim(), 'eu-west-1');
    },
  );

  test('clear removes an overlay whose AWS files are gone', async () => {
    const dir = join(box.dir, 'gone');
    mkdirSync(dir, { recursive: true });
    const config = join(dir, 'config');
    copyFileSync(box.env.AWS_CONFIG_FILE as string, config);
    copyFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, join(dir, 'credentials'));
    box.emu.advance(30);
    const run = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', tool.path], {
      env: { ...box.env, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') },
      detached: true,
    });
    assert.equal(run.exitCode, 0, run.stderr);
    const overlay = readRecords(tool.recordsFile).at(-1)!.env.AWS_CONFIG_FILE as string;
    rmSync(dir, { recursive: true });
    const cleared = await box.tfmfa(['clear']);
    assert.equal(cleared.exitCode, 0, cleared.stderr);
    assert.match(cleared.stdout, /^removed 1 config overlay\(s\) whose AWS files are gone$/m);
    assert.ok(!existsSync(overlay));
  });
});
