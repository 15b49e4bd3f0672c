// Property-based tests (fast-check): profile-chain resolution over random configs, the config overlay over random
// configs, shell quoting of `export` through real shells, and argv pass-through in exec and shim mode.
// Sizes are bounded so that the file stays well under a minute; FC_NUM_RUNS_SCALE multiplies every numRuns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import fc from 'fast-check';
import { loadAwsFiles } from '../../src/config/load.ts';
import { chainNeedsSession, resolveChain } from '../../src/config/resolve.ts';
import type { AwsFiles, ProfileSection } from '../../src/config/files.ts';
import { UserError } from '../../src/errors.ts';
import { renderOverlayConfig } from '../../src/overlay/overlay.ts';
import { formatChanges } from '../../src/output/shell-formats.ts';
import { writeAwsFiles } from '../support/aws-files.ts';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { CLI, createSandbox, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

// Reproducible in CI: a fixed seed unless FC_SEED says otherwise (FC_SEED=random explores new cases).
const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261124);
fc.configureGlobal({ seed: SEED });

const SCALE = Number(process.env.FC_NUM_RUNS_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

// ---------------------------------------------------------------------------------------------------------------
// Random AWS configs

const SAFE_NAMES = [
  'a',
  'b',
  'c',
  'd',
  'e',
  'default',
  'x.y',
  'dev@corp+1',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
];
/**
 * Names the SDK's INI parser can round-trip. It cannot for sections named after Object.prototype members: it
 * finds the inherited function instead of a new section and writes the keys onto that builtin, which then leak
 * into every later parse in the same process. Resolution is still tested with them (SAFE_NAMES); the overlay
 * round trips, which parse again, use these.
 */
const ROUND_TRIP_NAMES = SAFE_NAMES.filter((name) => !(name in Object.prototype));
/**
 * Names the SDK's parser accepts in the credentials file (`[prød]`) but not in the config file
 * (`[profile prød]`).
 */
const CREDENTIALS_ONLY_NAMES = ["it's", 'prød'];
const NAMES = [...SAFE_NAMES, ...CREDENTIALS_ONLY_NAMES];
const ROLE_ARNS = [
  'arn:aws:iam::111111111111:role/r1',
  'arn:aws:iam::333333333333:role/path/r2',
  'arn:aws-us-gov:iam::444444444444:role/r3',
];
const GOOD_SERIALS = ['arn:aws:iam::222222222222:mfa/me', 'GAHT12345678'];

/** Printable ASCII without line breaks: what a user could type as a value. */
const junk = fc.string({ unit: 'grapheme-ascii', minLength: 0, maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));

/** `arb` with probability p, else undefined (absent key). */
const optional = <T>(arb: fc.Arbitrary<T>, p = 0.4): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { weight: Math.round((1 - p) * 20), arbitrary: fc.constant(undefined) },
    { weight: Math.round(p * 20), arbitrary: arb },
  );

interface ProfileSpec {
  name: string;
  /** [key, value, which file] */
  settings: Array<[string, string, 'config' | 'credentials']>;
  header: string;
  /** Extra lines (comments, sub-settings) appended to the config section. */
  extraLines: string[];
}

function profileSpec(name: string, names: string[]): fc.Arbitrary<ProfileSpec> {
  const sourceName = fc.constantFrom(...names, name, 'missing-profile');
  return fc
    .record({
      role_arn: optional(fc.oneof(fc.constantFrom(...ROLE_ARNS), junk), 0.6),
      source_profile: optional(fc.oneof({ weight: 6, arbitrary: sourceName }, { weight: 1, arbitrary: junk }), 0.6),
      aws_access_key_id: optional(fc.constantFrom('AKIAEXAMPLEKEY00001', 'AKIAEXAMPLEKEY00002'), 0.35),
      aws_secret_access_key: optional(fc.constantFrom('long-term-secret-value-1', 'long-term-secret-value-2'), 0.35),
      aws_session_token: optional(fc.constant('session-token-value'), 0.1),
      credential_source: optional(fc.constantFrom('Environment', 'Ec2InstanceMetadata', 'EcsContainer', 'Bogus'), 0.15),
      credential_process: optional(fc.constant('/bin/echo {}'), 0.15),
      mfa_serial: optional(fc.oneof(fc.constantFrom(...GOOD_SERIALS), junk), 0.4),
      mfa_process: optional(fc.constant('echo 123456'), 0.2),
      duration_seconds: optional(fc.constantFrom('900', '3600', '43200', '100', 'abc', '99999', ' 1200 '), 0.25),
      external_id: optional(fc.oneof(fc.constant('ext-123'), junk), 0.2),
      role_session_name: optional(fc.oneof(fc.constant('my-session'), junk), 0.2),
      region: optional(fc.constantFrom('us-east-1', 'eu-west-1'), 0.5),
      output: optional(fc.constantFrom('json', 'table'), 0.3),
      sso_session: optional(fc.constantFrom('corp', 'nope'), 0.08),
      sso_account_id: optional(fc.constant('555555555555'), 0.08),
      sso_role_name: optional(fc.constant('Admin'), 0.08),
      unknown_key: optional(junk, 0.2),
    })
    .chain((values) => {
      const keys = Object.entries(values).filter(
        (e): e is [string, string] => e[1] !== undefined && e[1].trim() !== '',
      );
      return fc
        .record({
          places: fc.array(fc.constantFrom<'config' | 'credentials'>('config', 'config', 'credentials'), {
            minLength: keys.length,
            maxLength: keys.length,
          }),
          header:
            name === 'default'
              ? fc.constantFrom('[default]', '[profile default]')
              : fc.constantFrom(`[profile ${name}]`, `[profile ${name}]   # trailing comment`),
          extraLines: fc.subarray(
            ['; a comment line', '# another comment', 's3 =', '  max_concurrent_requests = 20', '', 'cli_pager='],
            { minLength: 0 },
          ),
        })
        .map(({ places, header, extraLines }): ProfileSpec => ({
          name,
          settings: keys.map(([key, value], i) => [key, value, places[i] as 'config' | 'credentials']),
          header,
          // A sub-setting block is only meaningful right after its parent key line.
          extraLines:
            extraLines.includes('  max_concurrent_requests = 20') && !extraLines.includes('s3 =')
              ? extraLines.filter((l) => l !== '  max_concurrent_requests = 20')
              : extraLines,
        }));
    });
}

const configArbitrary = (pool: string[]) =>
  fc
    .uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 7 })
    .chain((names) =>
      fc.tuple(...names.map((name) => profileSpec(name, names))).map((specs) => specs as ProfileSpec[]),
    );

function renderFiles(specs: ProfileSpec[], kvSeparator = ' = '): { config: string; credentials: string } {
  const config: string[] = [
    '# generated',
    '[sso-session corp]',
    'sso_start_url = https://corp.example/start',
    'sso_region = us-east-1',
    '',
  ];
  const credentials: string[] = [];
  for (const spec of specs) {
    const inConfig = spec.settings.filter(([, , where]) => where === 'config');
    const inCredentials = spec.settings.filter(([, , where]) => where === 'credentials');
    config.push(spec.header, ...inConfig.map(([k, v]) => `${k}${kvSeparator}${v}`), ...spec.extraLines, '');
    if (inCredentials.length > 0)
      credentials.push(`[${spec.name}]`, ...inCredentials.map(([k, v]) => `${k}${kvSeparator}${v}`), '');
  }
  return { config: config.join('\n'), credentials: credentials.join('\n') };
}

/** The source_profile walk as README states it: role profiles follow source_profile; naming itself with keys ends. */
function walk(files: AwsFiles, target: string): { kind: 'cycle'; loop: string[] } | { kind: 'other' } {
  const seen: string[] = [];
  let name = target;
  for (;;) {
    const section = files.profiles.get(name);
    if (!section) return { kind: 'other' };
    const at = seen.indexOf(name);
    if (at >= 0) return { kind: 'cycle', loop: [...seen.slice(at), name] };
    seen.push(name);
    if (!section.role_arn?.trim()) return { kind: 'other' };
    const next = section.source_profile?.trim();
    if (next && section.credential_source) return { kind: 'other' };
    if (next === name && (section.aws_access_key_id || section.aws_secret_access_key)) return { kind: 'other' };
    if (!next) return { kind: 'other' };
    name = next;
  }
}

async function withFiles<T>(
  config: string,
  credentials: string,
  work: (files: AwsFiles, paths: { configPath: string; credentialsPath: string }) => Promise<T>,
): Promise<T> {
  const fixture = writeAwsFiles(config, credentials);
  try {
    return await work(await loadAwsFiles(fixture), fixture);
  } finally {
    fixture.cleanup();
  }
}

describe('profile-chain resolution over random configs', () => {
  test(
    'only UserErrors, never another exception; a source_profile cycle is always reported as ' + 'that cycle',
    async () => {
      let cycles = 0;
      let resolved = 0;
      await fc.assert(
        fc.asyncProperty(configArbitrary(NAMES), fc.constantFrom(' = ', '=', '   =   '), async (specs, separator) => {
          const { config, credentials } = renderFiles(specs, separator);
          await withFiles(config, credentials, async (files) => {
            for (const target of [...specs.map((s) => s.name), 'missing-profile']) {
              const expected = walk(files, target);
              let outcome: unknown;
              try {
                const chain = resolveChain(files, target, { user: 'tester', nowMs: 1_700_000_000_000 });
                resolved++;
                assert.equal(chain.profile, target);
                assert.equal(chain.profiles.at(-1), target, 'the chain ends at the profile asked for');
                assert.equal(chain.profiles[0], chain.source.profile, 'the chain starts at its source');
                assert.ok(chain.roles.length <= chain.profiles.length);
                outcome = chain;
              } catch (error) {
                if (!(error instanceof UserError)) {
                  assert.fail(
                    `resolveChain('${target}') threw a ` +
                      `non-UserError: ${(error as Error)?.stack ?? String(error)}\n` +
                      `config:\n${config}\ncredentials:\n${credentials}`,
                  );
                }
                outcome = error;
              }
              if (expected.kind === 'cycle') {
                cycles++;
                assert.ok(
                  outcome instanceof UserError,
                  `a cycle must be an error: ${expected.loop.join(' → ')}\n${config}`,
                );
                assert.match(outcome.message, /source_profile cycle/, `${target}: ${outcome.message}`);
                assert.ok(
                  outcome.message.includes(expected.loop.join(' → ')),
                  `the message names the loop ${expected.loop.join(' → ')}: ${outcome.message}`,
                );
              } else if (outcome instanceof UserError) {
                assert.doesNotMatch(
                  outcome.message,
                  /cycle/,
                  `not a cycle, yet: ${outcome.message}\n${config}\n${credentials}`,
                );
              }
            }
          });
        }),
        { numRuns: runs(250) },
      );
      assert.ok(
        cycles > 0 && resolved > 0,
        `the generator produced cycles (${cycles}) and resolvable chains (${resolved})`,
      );
    },
  );

  test('random bytes as a config file: loading and resolving never throw anything but UserError', async () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(
        '[profile a]',
        '[default]',
        '[profile __proto__]',
        '[__proto__]',
        '[profile b',
        'role_arn = arn:aws:iam::111111111111:role/r',
        'source_profile = a',
        'source_profile = b',
        '  nested = 1',
        's3 =',
        '[sso-session x]',
        '[services y]',
        '= nothing',
        'mfa_serial=arn:aws:iam::1:mfa/x',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 25 }),
        fc.array(line, { maxLength: 10 }),
        async (configLines, credentialLines) => {
          try {
            await withFiles(configLines.join('\n'), credentialLines.join('\n'), async (files) => {
              for (const target of ['a', 'b', 'default', '__proto__', 'x', ...files.profiles.keys()]) {
                try {
                  resolveChain(files, target, { user: 'tester', nowMs: 0 });
                } catch (error) {
                  if (!(error instanceof UserError))
                    assert.fail(`resolveChain('${target}'): ${(error as Error)?.stack ?? String(error)}`);
                }
              }
            });
          } catch (error) {
            // Loading may refuse a file (a section name the SDK rejects) with a UserError; nothing else.
            if (!(error instanceof UserError)) throw error;
          }
        },
      ),
      { numRuns: runs(150) },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The overlay

/** Everything the overlay removes from a rewritten profile (README: credential settings an SDK would act on). */
const CREDENTIAL_KEYS = new Set([
  'role_arn',
  'source_profile',
  'credential_source',
  'mfa_serial',
  'mfa_process',
  'external_id',
  'role_session_name',
  'duration_seconds',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'sso_registration_scopes',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'credential_process',
]);
const KEY_MATERIAL = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];
/** README: "the overlay never holds a long-term key". */
const LONG_TERM_KEYS = ['aws_access_key_id', 'aws_secret_access_key'];

/** Splits shell command lines with a real POSIX shell: one `sh` for all of them. */
function shellWords(commands: string[]): string[][] {
  if (commands.length === 0) return [];
  const script = commands.map((c) => `printf '%s\\0' ${c}; printf '\\001'`).join('\n');
  const out = spawnSync('/bin/sh', ['-c', script], { encoding: 'buffer' });
  assert.equal(out.status, 0, out.stderr.toString());
  return out.stdout
    .toString('utf8')
    .split('\u0001')
    .slice(0, commands.length)
    .map((chunk) => chunk.split('\0').slice(0, -1));
}

function withoutKeys(section: ProfileSection | undefined, drop: Iterable<string>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...section };
  for (const key of drop) delete out[key];
  return out;
}

describe('config overlay over random configs', () => {
  const context = (files: AwsFiles) => ({
    cacheDir: '/unused',
    files,
    node: '/opt/node dir/bin/node',
    entryPoint: "/opt/tf'mfa/dist/cli.js",
    user: 'tester',
  });

  /** Renders the overlay of a random config and parses it back with the SDK's parser, as a child's SDK would. */
  async function roundTrip(specs: ProfileSpec[], check: (c: RoundTrip) => void): Promise<void> {
    const { config, credentials } = renderFiles(specs);
    await withFiles(config, credentials, async (files, paths) => {
      const { text, credentialsText } = renderOverlayConfig(context(files));
      await withFiles(text, credentialsText, async (overlay) => {
        const names = [...files.profiles.keys()];
        const words = shellWords(names.map((name) => overlay.profiles.get(name)?.credential_process ?? "''"));
        check({
          files,
          overlay,
          paths,
          text,
          names,
          words,
          where: (name) =>
            `profile '${name}'\n--- config\n${config}\n--- credentials\n${credentials}\n--- overlay\n${text}`,
        });
      });
    });
  }
  interface RoundTrip {
    files: AwsFiles;
    overlay: AwsFiles;
    paths: { configPath: string; credentialsPath: string };
    text: string;
    names: string[];
    /** The shell words of each profile's credential_process in the overlay, by position in `names`. */
    words: string[][];
    where(name: string): string;
  }

  /** The round-trip property: untouched profiles keep their settings, rewritten ones keep their other settings. */
  function sameSemantics(c: RoundTrip): number {
    let rewritten = 0;
    c.names.forEach((name, i) => {
      const original = c.files.profiles.get(name);
      const after = c.overlay.profiles.get(name);
      const argv = c.words[i] as string[];
      // README: every profile that needs MFA or a role, and every profile with static keys, goes through tfmfa.
      let mustRewrite = false;
      try {
        const chain = resolveChain(c.files, name, { user: 'tester', nowMs: 0 });
        mustRewrite = chainNeedsSession(chain) || chain.source.kind === 'static-keys';
      } catch {
        // unresolvable profiles are left as the user wrote them
      }
      if (argv.length >= 4 && argv[2] === 'credential-process') {
        rewritten++;
        assert.deepEqual(
          argv,
          [
            '/opt/node dir/bin/node',
            "/opt/tf'mfa/dist/cli.js",
            'credential-process',
            '--config-file',
            c.paths.configPath,
            '--credentials-file',
            c.paths.credentialsPath,
            '--',
            name,
          ],
          c.where(name),
        );
        assert.deepEqual(
          withoutKeys(after, ['credential_process']),
          withoutKeys(original, CREDENTIAL_KEYS),
          `rewritten: only credential_process plus the non-credential settings: ${c.where(name)}`,
        );
      } else {
        assert.ok(
          !mustRewrite,
          `a profile that needs MFA or a role, or has static keys, must be rewritten: ${c.where(name)}`,
        );
        assert.deepEqual(
          withoutKeys(after, KEY_MATERIAL),
          withoutKeys(original, KEY_MATERIAL),
          `not rewritten: the same settings (key material aside): ${c.where(name)}`,
        );
      }
    });
    assert.deepEqual(c.overlay.ssoSessions, c.files.ssoSessions, 'sso-session sections are untouched');
    return rewritten;
  }

  test(
    'round trip: unrewritten profiles keep their settings, rewritten ones get credential_process ' +
      'plus their other settings',
    async () => {
      let rewritten = 0;
      await fc.assert(
        fc.asyncProperty(configArbitrary(ROUND_TRIP_NAMES), async (specs) =>
          roundTrip(specs, (c) => void (rewritten += sameSemantics(c))),
        ),
        { numRuns: runs(120) },
      );
      assert.ok(rewritten > 0, 'the generator produced profiles to rewrite');
    },
  );

  test(
    'the overlay never holds a long-term key, whatever the config (also for profiles tfmfa ' + 'cannot resolve)',
    async () => {
      await fc.assert(
        fc.asyncProperty(configArbitrary(ROUND_TRIP_NAMES), async (specs) =>
          roundTrip(specs, (c) => {
            for (const name of c.overlay.profiles.keys()) {
              for (const key of LONG_TERM_KEYS)
                assert.equal(
                  c.overlay.profiles.get(name)?.[key],
                  undefined,
                  `the overlay holds ${key}: ${c.where(name)}`,
                );
            }
          }),
        ),
        { numRuns: runs(120) },
      );
    },
  );

  test("round trip with profile names the SDK reads only in the credentials file (prød, it's)", async () => {
    await fc.assert(
      fc.asyncProperty(configArbitrary([...ROUND_TRIP_NAMES.slice(0, 4), ...CREDENTIALS_ONLY_NAMES]), async (specs) =>
        roundTrip(specs, (c) => void sameSemantics(c)),
      ),
      { numRuns: runs(80) },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Shell quoting

const NASTY = [
  "'",
  '"',
  '\\',
  '$',
  '`',
  '(',
  ')',
  '\n',
  ' ',
  '!',
  '*',
  '?',
  '~',
  '{',
  '}',
  ';',
  '&',
  '|',
  '<',
  '>',
  '#',
  '\t',
  '\r',
  'é',
  '🦀',
  '\u2019',
  '\u2018',
  '\u201c',
  '%',
  'a',
  '0',
  '-',
  '=',
  '\u00a0',
  '\u200b',
  '^',
  '@',
];
const shellValue = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 40 }),
    fc.constantFrom(
      '$(touch PWNED)',
      '`touch PWNED`',
      "'; touch PWNED; '",
      '"; touch PWNED; "',
      '$HOME',
      '${HOME}',
      '\\',
      "\\'",
      "'\\''",
      '-n',
      '-e',
      '--',
      '',
      '\n',
      "'$(touch PWNED)'",
    ),
  )
  .map((s) => s.replace(/\0/g, ''));

function hasCommand(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

describe('export quoting survives eval in real shells', () => {
  let work = '';
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'tfmfa-quote-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const shells: Array<{
    name: string;
    format: 'sh' | 'fish' | 'powershell';
    path: string | undefined;
    run: (script: string, vars: string[]) => string[];
  }> = [
    {
      name: 'bash',
      format: 'sh',
      path: hasCommand('bash'),
      run: (s, v) => posix('bash', ['--norc', '--noprofile', '-c'], s, v),
    },
    { name: 'dash', format: 'sh', path: hasCommand('dash'), run: (s, v) => posix('dash', ['-c'], s, v) },
    { name: 'zsh', format: 'sh', path: hasCommand('zsh'), run: (s, v) => posix('zsh', ['-f', '-c'], s, v) },
    { name: 'fish', format: 'fish', path: hasCommand('fish'), run: (s, v) => fishRun(s, v) },
    { name: 'pwsh', format: 'powershell', path: hasCommand('pwsh'), run: (s, v) => pwshRun(s, v) },
  ];

  function split(out: ReturnType<typeof spawnSync>, shell: string): string[] {
    assert.equal(out.status, 0, `${shell} failed: ${String(out.stderr)}`);
    return (out.stdout as Buffer).toString('utf8').split('\0').slice(0, -1);
  }
  function posix(shell: string, flags: string[], script: string, vars: string[]): string[] {
    const body =
      `${script}\n${vars.map((v) => `printf '%s\\0' "$${v}"`).join('\n')}\nprintf '%s\\0' ` + `"\${GONE-unset}"\n`;
    return split(
      spawnSync(shell, [...flags, `GONE=present\neval "$(cat)"`], {
        input: body,
        cwd: work,
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
      }),
      shell,
    );
  }
  function fishRun(script: string, vars: string[]): string[] {
    const file = join(work, 'script.fish');
    writeFileSync(file, script);
    const body =
      `set -gx GONE ` +
      `present\nsource ${file}\n${vars.map((v) => `printf '%s\\0' "$${v}"`).join('\n')}\nif set -q GONE; ` +
      `printf '%s\\0' present; else; printf '%s\\0' unset; end\n`;
    return split(
      spawnSync('fish', ['--no-config', '-c', body], {
        cwd: work,
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: work },
      }),
      'fish',
    );
  }
  function pwshRun(script: string, vars: string[]): string[] {
    const file = join(work, 'script.ps1');
    writeFileSync(
      file,
      `$Env:GONE = ` +
        `'present'\n${script}\n${vars.map((v) => `[Console]::Out.Write($Env:${v} + [char]0)`).join('\n')}\nif ` +
        `(Test-Path Env:GONE) { [Console]::Out.Write('present' + [char]0) } else { ` +
        `[Console]::Out.Write('unset' + [char]0) }\n`,
    );
    return split(
      spawnSync('pwsh', ['-NoProfile', '-NonInteractive', '-File', file], {
        cwd: work,
        env: { PATH: '/usr/bin:/bin', HOME: work },
      }),
      'pwsh',
    );
  }

  for (const shell of shells) {
    test(
      `${shell.name} (${shell.format} format): random values come out exactly, nothing executes, unset works`,
      { skip: !shell.path && `${shell.name} is not installed` },
      () => {
        fc.assert(
          fc.property(fc.array(shellValue, { minLength: 1, maxLength: 25 }), (values) => {
            const set: Record<string, string> = {};
            values.forEach((v, i) => (set[`TFMFA_Q_${i}`] = v));
            const script = formatChanges({ set, unset: ['GONE'] }, shell.format);
            const out = shell.run(script, Object.keys(set));
            assert.deepEqual(out, [...values, 'unset'], `script:\n${script}`);
            assert.ok(!existsSync(join(work, 'PWNED')), 'nothing in a value was executed');
          }),
          { numRuns: runs(shell.name === 'bash' ? 80 : 40) },
        );
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------------------------
// argv pass-through

const argWord = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY), maxLength: 12 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '--',
        '-h',
        '--help',
        '--mfa-token',
        '123456',
        '--version',
        'version',
        'plan',
        '-chdir=x',
        '',
        '--no-session',
        '-',
        '--profile',
        'GEHC-056',
        '$HOME',
        '*',
      ),
    },
  )
  .map((s) => s.replace(/\0/g, ''));
const argvArbitrary = fc.array(argWord, { maxLength: 8 });

describe('argv pass-through, byte for byte', () => {
  let box: Sandbox;
  let realDir: string;
  let shimDir: string;
  let tool: { path: string; recordsFile: string };
  let counter = 0;
  const launcher = join(ROOT, 'shims', 'terraform');

  before(async () => {
    box = await createSandbox();
    realDir = join(box.dir, 'real');
    shimDir = join(box.dir, 'shim');
    tool = createFakeTool(realDir, 'terraform');
    mkdirSync(shimDir, { recursive: true });
    symlinkSync(CLI, join(shimDir, 'terraform'));
    box.emu.advance(30);
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
    assert.equal(warm.exitCode, 0, warm.stderr);
  });
  after(() => box.cleanup());

  /** Runs one argv through an entry; returns what the fake terraform received. */
  async function through(
    entry: 'exec' | 'exec-no-dashes' | 'shim' | '__shim' | 'launcher',
    args: string[],
  ): Promise<string[] | string> {
    const records = join(box.dir, 'records', `${++counter}.jsonl`);
    const env: Record<string, string> = { ...box.env, FAKE_TOOL_RECORDS: records, AWS_PROFILE: 'GEHC-056' };
    const shimEnv = { ...env, PATH: `${shimDir}:${realDir}:${env.PATH}` };
    const options = { env, extendEnv: false, reject: false, stdin: 'ignore' as const, detached: true };
    let result;
    switch (entry) {
      case 'exec':
        result = await execa(process.execPath, [CLI, 'exec', 'GEHC-056', '--', tool.path, ...args], options);
        break;
      case 'exec-no-dashes':
        result = await execa(process.execPath, [CLI, 'exec', '--no-overlay', 'GEHC-056', tool.path, ...args], options);
        break;
      case 'shim':
        result = await execa(join(shimDir, 'terraform'), args, { ...options, env: shimEnv });
        break;
      case '__shim':
        result = await execa(process.execPath, [CLI, '__shim', 'terraform', ...args], {
          ...options,
          env: { ...env, PATH: `${realDir}:${env.PATH}` },
        });
        break;
      case 'launcher':
        result = await execa(launcher, args, {
          ...options,
          env: { ...env, PATH: `${join(ROOT, 'shims')}:${realDir}:${env.PATH}` },
        });
        break;
    }
    if (result.exitCode !== 0) return `exit ${result.exitCode}: ${String(result.stderr)}`;
    const recorded = readRecords(records);
    return recorded.length === 1 ? (recorded[0]?.argv ?? []) : `${recorded.length} records`;
  }

  const entries: Array<'exec' | 'exec-no-dashes' | 'shim' | '__shim' | 'launcher'> = [
    'exec',
    'exec-no-dashes',
    'shim',
    '__shim',
    'launcher',
  ];
  for (const entry of entries) {
    const skip = entry === 'launcher' && !existsSync(launcher) && 'shims/terraform (the shell launcher) is not built';
    test(`${entry}: random argv arrives unchanged`, { skip }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(argvArbitrary, { minLength: 4, maxLength: 4 }), async (batch) => {
          const received = await Promise.all(batch.map((args) => through(entry, args)));
          batch.forEach((args, i) => assert.deepEqual(received[i], args, `argv ${JSON.stringify(args)}`));
        }),
        { numRuns: runs(4) },
      );
      assert.ok(readdirSync(join(box.dir, 'records')).length > 0);
    });
  }
});
