// `tfmfa export` formats read back by the REAL readers (property tests, fast-check): each random batch of values
// is written to a file in one format and read with what people do with that file: `. file` in dash, bash and
// zsh (sh format), `source` in fish (fish format), and for dotenv `set -a; . file` in dash, bash and zsh,
// python-dotenv (Debian's python3-dotenv), Node's util.parseEnv and process.loadEnvFile, and direnv's `dotenv`.
// Every value must come back exactly and nothing in it may run; a dotenv value no quoting carries through all of
// those readers must be refused with a one-line error that does not repeat it. PowerShell cannot be installed
// here (no pwsh in Debian): its format is checked as text against the language's quoting rules.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseEnv } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import fc from 'fast-check';
import { UserError } from '../../src/errors.ts';
import { dotenvProblem } from '../../src/output/quoting.ts';
import { type ExportFormat, formatChanges } from '../../src/output/shell-formats.ts';
import { DEBIAN_PYTHON, hasBotocore } from '../support/botocore.ts';
import { createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';
import { PS_QUOTES, readVerbatimString } from '../support/powershell-grammar.ts';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261129);
const SCALE = Number(process.env.FC_NUM_RUNS_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

/** Every printable ASCII character, and the characters some reader treats specially. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const SPECIAL = [
  '\n',
  '\t',
  '\r',
  '\v',
  '\f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u00a0',
  '\u200b',
  '\u2018',
  '\u2019',
  '\u201a',
  '\u201b',
  '\u201c',
  'é',
  'ß',
  '日',
  '🦀',
  '\u{f600}',
  '\u{f6ff}',
  '\ufeff',
  '\u001b',
  '\u007f',
];
const value = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...PRINTABLE, ...SPECIAL), maxLength: 30 }) },
    {
      weight: 2,
      arbitrary: fc.string({
        unit: fc.constantFrom(
          "'",
          '"',
          '\\',
          '$',
          '`',
          '{',
          '}',
          '(',
          ')',
          '#',
          ';',
          '\n',
          ' ',
          '=',
          'a',
          '!',
          '%',
          '~',
          '*',
        ),
        maxLength: 20,
      }),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'eu-west-1`touch PWNED`',
        '$(touch PWNED)',
        "'; touch PWNED; '",
        '"; touch PWNED; "',
        '${HOME}',
        '$HOME',
        '\\',
        "it's",
        '',
        ' padded ',
        '#not-a-comment',
        'a=b',
        'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
        '\\n',
        'x\\',
        '-n',
      ),
    },
  )
  .map((s) => s.replace(/\0/g, ''));

function command(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

let work = '';
const ENV = () => ({ PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: work });

/** `printf '%s\0' "$X"` for each name, after the reader's own loading step; NUL-separated output. */
function shellRead(shell: string, flags: string[], load: string, file: string, names: string[]): string[] {
  const script = `${load} "$1" || exit 3\n${names.map((n) => `printf '%s\\0' "$${n}"`).join('\n')}\n`;
  const out = spawnSync(shell, [...flags, script, 'reader', file], { cwd: work, env: ENV(), encoding: 'buffer' });
  assert.equal(out.status, 0, `${shell} failed: ${out.stderr.toString()}`);
  return out.stdout.toString('utf8').split('\0').slice(0, -1);
}

function fishRead(file: string, names: string[]): string[] {
  const script = `source $argv[1]; or exit 3\n${names.map((n) => `printf '%s\\0' "$${n}"`).join('\n')}\n`;
  const out = spawnSync('fish', ['--no-config', '-c', script, file], { cwd: work, env: ENV(), encoding: 'buffer' });
  assert.equal(out.status, 0, `fish failed: ${out.stderr.toString()}`);
  return out.stdout.toString('utf8').split('\0').slice(0, -1);
}

function pythonDotenvRead(file: string, names: string[]): Array<string | undefined> {
  const script =
    'import json, sys\nfrom dotenv import dotenv_values\nsys.stdout.write(json.dumps(dotenv_values(sys.argv[1])))';
  const out = spawnSync('/usr/bin/python3', ['-c', script, file], { env: ENV(), encoding: 'utf8' });
  assert.equal(out.status, 0, `python-dotenv failed: ${out.stderr}`);
  const values = JSON.parse(out.stdout) as Record<string, string | null>;
  return names.map((n) => values[n] ?? undefined);
}

function direnvRead(file: string, names: string[]): Array<string | undefined> {
  const out = spawnSync('direnv', ['dotenv', 'json', file], { cwd: work, env: ENV(), encoding: 'utf8' });
  assert.equal(out.status, 0, `direnv failed: ${out.stderr}`);
  const values = JSON.parse(out.stdout || '{}') as Record<string, string>;
  return names.map((n) => values[n]);
}

function nodeParseEnvRead(file: string, names: string[]): Array<string | undefined> {
  const values = parseEnv(readFileSync(file, 'utf8'));
  return names.map((n) => values[n]);
}

function nodeLoadEnvFileRead(file: string, names: string[]): Array<string | undefined> {
  for (const n of names) delete process.env[n];
  try {
    process.loadEnvFile(file);
    return names.map((n) => process.env[n]);
  } finally {
    for (const n of names) delete process.env[n];
  }
}

interface Reader {
  name: string;
  format: ExportFormat;
  needs: string | undefined;
  read(file: string, names: string[]): Array<string | undefined>;
}

const READERS: Reader[] = [
  { name: 'dash: . file', format: 'sh', needs: 'dash', read: (f, n) => shellRead('dash', ['-c'], '.', f, n) },
  {
    name: 'bash: . file',
    format: 'sh',
    needs: 'bash',
    read: (f, n) => shellRead('bash', ['--norc', '--noprofile', '-c'], '.', f, n),
  },
  { name: 'zsh: . file', format: 'sh', needs: 'zsh', read: (f, n) => shellRead('zsh', ['-f', '-c'], '.', f, n) },
  { name: 'fish: source file', format: 'fish', needs: 'fish', read: fishRead },
  {
    name: 'dash: set -a; . file',
    format: 'dotenv',
    needs: 'dash',
    read: (f, n) => shellRead('dash', ['-c'], 'set -a; .', f, n),
  },
  {
    name: 'bash: set -a; . file',
    format: 'dotenv',
    needs: 'bash',
    read: (f, n) => shellRead('bash', ['--norc', '--noprofile', '-c'], 'set -a; .', f, n),
  },
  {
    name: 'zsh: set -a; . file',
    format: 'dotenv',
    needs: 'zsh',
    read: (f, n) => shellRead('zsh', ['-f', '-c'], 'set -a; .', f, n),
  },
  {
    name: 'python-dotenv',
    format: 'dotenv',
    needs: existsSync('/usr/lib/python3/dist-packages/dotenv') ? 'python3' : undefined,
    read: pythonDotenvRead,
  },
  { name: 'direnv dotenv', format: 'dotenv', needs: 'direnv', read: direnvRead },
  { name: 'node util.parseEnv', format: 'dotenv', needs: 'node', read: nodeParseEnvRead },
  { name: 'node process.loadEnvFile', format: 'dotenv', needs: 'node', read: nodeLoadEnvFileRead },
];

/** Writes a batch in `format`; the values a dotenv file must refuse are checked for a clean refusal and left out. */
function writeBatch(values: string[], format: ExportFormat, file: string): { names: string[]; expected: string[] } {
  const set: Record<string, string> = {};
  const expected: string[] = [];
  for (const v of values) {
    if (format === 'dotenv' && dotenvProblem(v) !== null) {
      assertRefused(v);
      continue;
    }
    set[`TFMFA_Q_${expected.length}`] = v;
    expected.push(v);
  }
  writeFileSync(file, formatChanges({ set, unset: [] }, format));
  return { names: Object.keys(set), expected };
}

/** A refused value: a one-line UserError that names the variable, not the value. */
function assertRefused(v: string): void {
  assert.throws(
    () => formatChanges({ set: { TFMFA_SECRETISH: v }, unset: [] }, 'dotenv'),
    (error: unknown) => {
      assert.ok(error instanceof UserError, String(error));
      assert.match(
        error.message,
        /^cannot write TFMFA_SECRETISH as dotenv: its value has [^\n]+: use --format sh or json$/,
      );
      if (v.length >= 4) assert.ok(!error.message.includes(v), 'the refusal does not repeat the value');
      return true;
    },
  );
}

describe('export formats read back by the real readers', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'tfmfa-export-quoting-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  for (const reader of READERS) {
    const skip =
      reader.needs !== 'node' && !(reader.needs && command(reader.needs)) && `${reader.name} is not installed`;
    test(`${reader.name} (${reader.format} format): every value comes back exactly, nothing runs`, { skip }, () => {
      let checked = 0;
      fc.assert(
        fc.property(fc.array(value, { minLength: 1, maxLength: 25 }), (values) => {
          const file = join(work, `values.${reader.format}`);
          const { names, expected } = writeBatch(values, reader.format, file);
          const got = reader.read(file, names);
          assert.deepEqual(got, expected, `file:\n${readFileSync(file, 'utf8')}`);
          assert.ok(!existsSync(join(work, 'PWNED')), 'nothing in a value ran');
          checked += expected.length;
        }),
        { numRuns: runs(reader.needs === 'node' ? 200 : reader.needs === 'python3' ? 30 : 60), seed: SEED },
      );
      assert.ok(checked > 0);
    });
  }

  test('dotenv refuses only what some reader would misread: the realistic values all pass', () => {
    const realistic = fc.string({
      unit: fc.constantFrom(...PRINTABLE.filter((c) => c !== "'" && c !== '\\' && c !== '$'), 'é', '日', '\t'),
      maxLength: 40,
    });
    fc.assert(
      fc.property(realistic, (v) => assert.equal(dotenvProblem(v), null, JSON.stringify(v))),
      { numRuns: runs(500), seed: SEED },
    );
    for (const v of [
      'eu-west-1`touch x`',
      "it's",
      'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      'a\\b',
      '$HOME',
      'FwoGZXIvYXdzE+/=',
    ])
      assert.equal(dotenvProblem(v), null, v);
    for (const v of ['a\nb', 'a\rb', '${HOME}', 'a\\\\b', 'x\\', "it's $5", `it's "x"`])
      assert.notEqual(dotenvProblem(v), null, JSON.stringify(v));
  });
});

// ---------------------------------------------------------------------------------------------------------------
// PowerShell, as text (pwsh is not in Debian): `$Env:NAME = '…'` read by the language's rules for verbatim
// strings (about_Quoting_Rules, the language specification §2.3.5.2): the string ends at a single-quote
// character (' ‘ ’ ‚ ‛) that is not followed by another one; two of them in a row stand for one. Nothing
// expands inside.

/** Reads a script of `$Env:N = '…'` statements, one per line (a value may span lines), by those rules. */
function readPowershell(script: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < script.length) {
    const head = /^\$Env:([A-Za-z_][A-Za-z0-9_]*) = /.exec(script.slice(i));
    assert.ok(head, `a statement at ${i}: ${JSON.stringify(script.slice(i, i + 40))}`);
    i += head[0].length;
    assert.ok(PS_QUOTES.has(script[i] as string), 'the value opens with a single-quote character');
    let read: { text: string; end: number };
    try {
      read = readVerbatimString(script, i);
    } catch {
      assert.fail('the string is closed');
    }
    const text = read.text;
    i = read.end;
    assert.equal(script[i], '\n', 'the statement ends after the string');
    i++;
    out[head[1] as string] = text;
  }
  return out;
}

describe('powershell format, checked as text (pwsh cannot be installed here)', () => {
  test('every value reads back exactly under the verbatim-string rules', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 25 }), (values) => {
        const set = Object.fromEntries(values.map((v, i) => [`TFMFA_Q_${i}`, v]));
        assert.deepEqual(readPowershell(formatChanges({ set, unset: [] }, 'powershell')), set);
      }),
      { numRuns: runs(300), seed: SEED },
    );
  });

  test("the rules are the language's: a lone typographic quote would end the string", () => {
    assert.throws(() => readPowershell("$Env:A = 'it\u2019s'\n"), /statement ends after the string/);
    assert.deepEqual(readPowershell("$Env:A = 'it\u2019\u2019s'\n"), { A: 'it\u2019s' });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// End to end: the issue's case, a region with a backtick from a static-keys profile (STS never sees it).

describe('tfmfa export with a hostile region', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
  });
  after(() => box.cleanup());

  const region = 'eu-west-1`touch PWNED`$(touch PWNED2)';

  for (const format of ['dotenv', 'sh'] as const) {
    test(`--format ${format}: sourcing the output sets the region literally and runs nothing`, async () => {
      box.writeConfig(
        `[profile static-hostile]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ` +
          `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\nregion = ${region}\n`,
      );
      const result = await box.tfmfa(['export', 'static-hostile', '--format', format]);
      assert.equal(result.exitCode, 0, String(result.stderr));
      const file = join(box.dir, `out.${format}`);
      writeFileSync(file, `${String(result.stdout)}\n`);
      const out = spawnSync(
        'bash',
        ['--norc', '--noprofile', '-c', `set -a; . "$1"; printf '%s' "$AWS_REGION"`, 'reader', file],
        { cwd: box.dir, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' },
      );
      assert.equal(out.status, 0, out.stderr);
      assert.equal(out.stdout, region);
      assert.ok(
        !existsSync(join(box.dir, 'PWNED')) && !existsSync(join(box.dir, 'PWNED2')),
        'nothing in the region ran',
      );
    });
  }

  test('--format dotenv with a value no dotenv reader agrees on: one-line error, nothing on stdout', async () => {
    box.writeConfig(
      `[profile static-multi]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ` +
        `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\nregion = \${HOME}\n`,
    );
    const result = await box.tfmfa(['export', 'static-multi', '--format', 'dotenv']);
    assert.equal(result.exitCode, 1, String(result.stderr));
    assert.equal(String(result.stdout), '');
    assert.match(
      String(result.stderr),
      new RegExp(
        String.raw`^tfmfa: cannot write AWS_(DEFAULT_)?REGION as dotenv: its value has '\$\{', which some ` +
          String.raw`dotenv reader would misread: use --format sh or json$`,
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// `tfmfa export` carries the config overlay (issue 20, item 3): read back by each real reader, the output points
// AWS_CONFIG_FILE at the overlay, so that a profile named in code (botocore's Session(profile=...), as a Terraform
// provider block's `profile = "X"` does) still resolves through tfmfa's credential_process: the exported
// profile itself, and another role on the same MFA session, without a terminal and without another code.

describe('tfmfa export carries the config overlay', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    box.emu.advance(30);
    const warm = await box.tfmfa(['export', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL)]);
    assert.equal(warm.exitCode, 0, String(warm.stderr));
  });
  after(() => box.cleanup());

  /** What a program started after the reader loaded the file sees: the reader's variables, as JSON. */
  const NAMES = [
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'TFMFA_CONFIG_FILE',
    'TFMFA_CREDENTIALS_FILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
  ];

  for (const reader of READERS) {
    const skip =
      reader.needs !== 'node' && !(reader.needs && command(reader.needs)) && `${reader.name} is not installed`;
    test(
      `${reader.name}: AWS_CONFIG_FILE is the overlay, and a profile named in code resolves through it (botocore)`,
      { skip: skip || (!hasBotocore() && 'botocore is not installed') },
      async () => {
        const result = await box.tfmfa(['export', 'GEHC-056', '--format', reader.format], {
          env: { ...box.env, AWS_PROFILE: 'GEHC-056' },
        });
        assert.equal(result.exitCode, 0, String(result.stderr));
        const file = join(box.dir, `export.${reader.name.replace(/\W+/g, '-')}`);
        writeFileSync(file, String(result.stdout));
        work = box.dir;
        const values = reader.read(file, NAMES);
        const got = Object.fromEntries(NAMES.map((name, i) => [name, values[i] || undefined]));
        assert.match(got.AWS_CONFIG_FILE ?? '', new RegExp(`^${box.cacheDir}/overlay/[0-9a-f]+/config$`));
        assert.equal(got.AWS_SHARED_CREDENTIALS_FILE, join(dirname(got.AWS_CONFIG_FILE as string), 'credentials'));
        assert.equal(got.TFMFA_CONFIG_FILE, box.env.AWS_CONFIG_FILE, 'nested tfmfa reads the real files');
        assert.equal(got.TFMFA_CREDENTIALS_FILE, box.env.AWS_SHARED_CREDENTIALS_FILE);
        assert.match(got.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
        if (reader.format !== 'dotenv')
          assert.equal(got.AWS_PROFILE, undefined, 'the profile variable is removed, as exec does');

        const env: Record<string, string> = { ...box.env };
        for (const [name, value] of Object.entries(got)) if (value !== undefined) env[name] = value;
        delete env.AWS_PROFILE;
        for (const profile of ['GEHC-056', 'team-b']) {
          const identity = await botocoreIdentity(profile, env);
          assert.equal(identity.status, 0, `${profile}: ${identity.stderr}`);
          assert.match(
            identity.arn,
            profile === 'GEHC-056'
              ? /^arn:aws:sts::111111111111:assumed-role\/hc-master\//
              : /^arn:aws:sts::111111111111:assumed-role\/team-b\//,
          );
        }
      },
    );
  }

  test('--no-overlay: the keys only, AWS_CONFIG_FILE left alone', async () => {
    const result = await box.tfmfa(['export', 'GEHC-056', '--no-overlay']);
    assert.equal(result.exitCode, 0, String(result.stderr));
    assert.doesNotMatch(String(result.stdout), /AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE/);
    assert.match(String(result.stdout), /^export AWS_ACCESS_KEY_ID='ASIA/m);
  });
});

/**
 * GetCallerIdentity through botocore with the profile named in code, as a provider block names it (async: the
 * emulator lives in this process).
 */
async function botocoreIdentity(
  profile: string,
  env: Record<string, string>,
): Promise<{ status: number | undefined; arn: string; stderr: string }> {
  const script =
    'import sys, botocore.session\ns = botocore.session.Session(profile=sys.argv[1])\nc = ' +
    's.create_client("sts", region_name="us-east-1", endpoint_url=sys.argv[2])\nprint(c.get_caller_identity()["Arn"])';
  const out = await execa(DEBIAN_PYTHON, ['-c', script, profile, env.AWS_ENDPOINT_URL_STS as string], {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
  return { status: out.exitCode, arn: String(out.stdout).trim(), stderr: String(out.stderr) };
}
