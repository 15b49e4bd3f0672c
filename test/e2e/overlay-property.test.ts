// Property test of the config overlay against real parsers: random configs with indentation, quoted and commented
// headers, inline comments, CRLF, duplicate sections across both files, sub-sections, empty keys, hostile profile
// names and hostile directory names. Checks that (a) no long-term key is in any overlay file, (b) every other
// setting of every profile reads back the same through the JS SDK's parser, (c) botocore (Debian's python3-botocore,
// a real second parser) reads the same settings and the same credential_process argv as /bin/sh, and, end to end
// with fewer runs, the AWS CLI gets the role through the overlay. FC_NUM_RUNS_SCALE / FC_SEED as in property.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { loadAwsFiles } from '../../src/config/load.ts';
import { chainNeedsSession, resolveChain } from '../../src/config/resolve.ts';
import type { AwsFiles } from '../../src/config/files.ts';
import { ensureOverlay, renderOverlayConfig } from '../../src/overlay/overlay.ts';
import { BotocoreReader, hasBotocore, type BotocoreView } from '../support/botocore.ts';
import { createSandbox, SERIAL, type Sandbox } from '../support/sandbox.ts';

const SEED = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 20261129);
const SCALE = Number(process.env.FC_NUM_RUNS_SCALE ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

const NODE = '/opt/node dir/bin/node';
const ENTRY = "/opt/tf'mfa/dist/cli.js";
const AWS_CLI = '/usr/bin/aws';

const CONFIG_NAMES = ['a', 'b', 'default', 'x.y', 'dev@corp+1', '-dev', 'p%2', 'team:1', 'a/b'];
/** Names only the credentials file can hold; those with # ; \ or a space, and DEFAULT, no overlay line can. */
const CREDENTIALS_NAMES = ["it's", 'prød', 'team#1', 'DEFAULT', 'two  spaces', 'back\\slash', 'c'];
const UNWRITABLE_NAMES = new Set(['team#1', 'DEFAULT', 'two  spaces', 'back\\slash']);
const DIRECTORY_NAMES = ['plain', 'team #2', 'a;b', "it's dir", ' lead', 'line\nbreak', 'tab\there'];

const ROLE_ARN = 'arn:aws:iam::111111111111:role/r1';
const DEVICE = 'arn:aws:iam::222222222222:mfa/me';
const KEY_MATERIAL = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];
/** What a rewritten profile loses (README: every setting an SDK would act on for credentials). */
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
  'credential_process',
  ...KEY_MATERIAL,
]);

let secretCounter = 0;
/** A fresh, recognisable secret value (never produced by anything else in the generator). */
const secret = fc.constant(null).map(() => `LTSECRET${(++secretCounter).toString().padStart(6, '0')}x`);
const junk = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }).filter((s) => !/[\r\n]/.test(s));

interface Line {
  key: string;
  value: string;
}

const setting = (names: string[]): fc.Arbitrary<Line[]> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom('region', 'output')
        .chain((key) =>
          fc.constantFrom('us-east-1', 'eu-west-1', 'json', "'quoted'", 'a#b', 'x;y').map((value) => [{ key, value }]),
        ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(...names, 'missing').map((value) => [
        { key: 'role_arn', value: ROLE_ARN },
        { key: 'source_profile', value },
      ]),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(secret, secret).map(([id, key]) => [
        { key: 'aws_access_key_id', value: id },
        { key: 'aws_secret_access_key', value: key },
      ]),
    },
    { weight: 1, arbitrary: secret.map((value) => [{ key: 'aws_session_token', value }]) },
    { weight: 1, arbitrary: fc.constant<Line[]>([{ key: 'mfa_serial', value: DEVICE }]) },
    { weight: 1, arbitrary: junk.map((value) => [{ key: 'unknown_key', value }]) },
    { weight: 1, arbitrary: fc.constant<Line[]>([{ key: 'cli_pager', value: '' }]) },
    {
      weight: 1,
      arbitrary: fc.constant<Line[]>([
        { key: 's3', value: '' },
        { key: '  max_concurrent_requests', value: '20' },
        { key: '\taddressing_style', value: 'path' },
      ]),
    },
    { weight: 1, arbitrary: fc.constant<Line[]>([{ key: 'credential_process', value: '/bin/echo {}' }]) },
  );

const indent = fc.constantFrom('', '', '', ' ', '  ', '\t');
const separator = fc.constantFrom(' = ', '=', '  =  ', ' =');
const trailer = fc.constantFrom('', '', '', ' # note', ' ;note', '\t# tab note');

/** Renders a section's lines with random indentation, separators and comments (sub-section lines keep theirs). */
const renderLines = (lines: Line[]): fc.Arbitrary<string[]> =>
  fc.tuple(
    ...lines.map((line) =>
      fc.tuple(indent, separator, trailer).map(([pad, sep, tail]) => {
        const key = /^\s/.test(line.key) ? line.key : `${pad}${line.key}`;
        return line.value === '' ? `${key}${sep.trimEnd()}` : `${key}${sep}${line.value}${tail}`;
      }),
    ),
  );

function configHeader(name: string): fc.Arbitrary<string> {
  if (name === 'default') return fc.constantFrom('[default]', '[profile default]', '  [default]  # main');
  return fc.constantFrom(
    `[profile ${name}]`,
    `[profile "${name}"]`,
    `[profile '${name}']`,
    `  [profile ${name}]`,
    `[profile ${name}] # note`,
    `[profile ${name}]\t;note`,
    `[profile ${name}]# not a header for the JS SDK`,
  );
}

interface Case {
  config: string;
  credentials: string;
  directory: string;
  secrets: string[];
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    config: fc.array(fc.constantFrom(...CONFIG_NAMES), { minLength: 1, maxLength: 8 }),
    credentials: fc.array(fc.constantFrom(...CONFIG_NAMES, ...CREDENTIALS_NAMES), { maxLength: 6 }),
    crlf: fc.tuple(fc.boolean(), fc.boolean()),
    directory: fc.constantFrom(...DIRECTORY_NAMES),
  })
  .chain(({ config, credentials, crlf, directory }) => {
    const names = [...new Set([...config, ...credentials])];
    const section = (header: fc.Arbitrary<string>) =>
      fc.tuple(header, fc.array(setting(names), { maxLength: 4 })).chain(([head, settings]) =>
        renderLines(settings.flat()).map((lines) => ({
          text: [head, ...lines, ''].join('\n'),
          settings: settings.flat(),
        })),
      );
    return fc
      .tuple(
        fc.tuple(...config.map((name) => section(configHeader(name)))),
        fc.tuple(...credentials.map((name) => section(fc.constant(`[${name}]`)))),
      )
      .map(([configSections, credentialSections]) => {
        const secrets = [...configSections, ...credentialSections]
          .flatMap((s) => s.settings)
          .filter((l) => KEY_MATERIAL.includes(l.key))
          .map((l) => l.value);
        const join = (sections: Array<{ text: string }>, windows: boolean) =>
          sections
            .map((s) => s.text)
            .join('\n')
            .replace(/\n/g, windows ? '\r\n' : '\n');
        return {
          config:
            `# generated\n[sso-session corp]\nsso_start_url = ` +
            `https://corp.example/start\n\n${join(configSections, crlf[0])}`,
          credentials: join(credentialSections, crlf[1]),
          directory,
          secrets,
        };
      });
  });

/** What a profile must read as in the overlay, by the JS SDK's parser. */
function expected(files: AwsFiles, name: string, rewritten: boolean): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...files.profiles.get(name) };
  const drop = rewritten ? CREDENTIAL_KEYS : new Set(KEY_MATERIAL);
  for (const key of Object.keys(out)) if (key.split('.').some((part) => drop.has(part))) delete out[key];
  return out;
}

function mustRewrite(files: AwsFiles, name: string): boolean {
  try {
    const chain = resolveChain(files, name, { user: 'u', nowMs: 0, hints: false });
    return chainNeedsSession(chain) || chain.source.kind === 'static-keys';
  } catch {
    return false;
  }
}

/** A profile's settings as botocore shows them, flattened back to the JS SDK's `a.b` keys. */
function flatten(profile: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(profile ?? {})) {
    if (typeof value === 'string') out[key] = value;
    else for (const [sub, inner] of Object.entries(value as Record<string, string>)) out[`${key}.${sub}`] = inner;
  }
  return out;
}

function shellSplit(command: string): string[] {
  const out = spawnSync('/bin/sh', ['-c', `set -- ${command}; printf '%s\\0' "$@"`], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout.split('\0').slice(0, -1);
}

describe('config overlay over hostile random configs, read back by the JS SDK and by botocore', () => {
  let work = '';
  let botocore: BotocoreReader | undefined;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'tfmfa-overlay-prop-'));
    if (hasBotocore()) botocore = new BotocoreReader();
  });
  after(() => {
    botocore?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  let counter = 0;
  async function check(c: Case): Promise<{ rewritten: number; omitted: number }> {
    const dir = join(work, `${++counter}`, c.directory);
    mkdirSync(dir, { recursive: true });
    const paths = { configPath: join(dir, 'config'), credentialsPath: join(dir, 'credentials') };
    writeFileSync(paths.configPath, c.config);
    writeFileSync(paths.credentialsPath, c.credentials);
    const files = await loadAwsFiles(paths);
    const cacheDir = join(work, `${counter}`, 'cache');
    const context = { cacheDir, files, node: NODE, entryPoint: ENTRY, user: 'u' };
    const overlay = ensureOverlay(context);
    const { omitted } = renderOverlayConfig(context, { config: '/x/config', credentials: '/x/credentials' });
    const text = readFileSync(overlay.configPath, 'utf8');
    const credentialsText = readFileSync(overlay.credentialsPath, 'utf8');
    const where =
      `\n--- config\n${c.config}\n--- credentials\n${c.credentials}\n--- overlay ` +
      `config\n${text}--- overlay credentials\n${credentialsText}`;
    // (a) no long-term key, anywhere in the overlay
    for (const value of c.secrets)
      assert.ok(!text.includes(value) && !credentialsText.includes(value), `the overlay holds a long-term key${where}`);
    const back = await loadAwsFiles(overlay);
    const boto: BotocoreView | undefined = await botocore?.read(overlay.configPath, overlay.credentialsPath);
    assert.equal(boto?.error, undefined, `botocore cannot parse the overlay: ${boto?.error}${where}`);
    let rewritten = 0;
    for (const name of files.profiles.keys()) {
      if (omitted.has(name)) {
        const section = files.profiles.get(name) ?? {};
        const collision = Object.keys(section).some(
          (key) => key.includes('.') && section[key.split('.')[0] as string] !== undefined,
        );
        assert.ok(
          UNWRITABLE_NAMES.has(name) || collision,
          `'${name}' left out without reason (${omitted.get(name)})${where}`,
        );
        assert.ok(!back.profiles.has(name), `'${name}' is left out${where}`);
        continue;
      }
      const rewrite = mustRewrite(files, name);
      const after = back.profiles.get(name);
      // (b) the JS SDK's parser reads every other setting back
      // (a profile left with no setting at all, only key material it could not use, is no section for the SDK)
      const { credential_process: command, ...rest } = after ?? {};
      assert.deepEqual(
        rewrite ? rest : (after ?? {}),
        expected(files, name, rewrite),
        `'${name}' reads back differently${where}`,
      );
      if (rewrite) {
        rewritten++;
        const argv = shellSplit(command ?? '');
        assert.deepEqual(
          [...argv.slice(0, 4), ...argv.slice(5, 6), ...argv.slice(7)],
          [NODE, ENTRY, 'credential-process', '--config-file', '--credentials-file', '--', name],
          `'${name}': ${JSON.stringify(argv)}${where}`,
        );
        assert.equal(
          realpathSync(argv[4] as string),
          realpathSync(paths.configPath),
          "the command names the user's config file",
        );
        assert.equal(
          realpathSync(argv[6] as string),
          realpathSync(paths.credentialsPath),
          "the command names the user's credentials file",
        );
        // (c) botocore splits the same command into the same argv
        if (boto)
          assert.deepEqual(boto.argv[name], argv, `botocore reads '${name}'s credential_process differently${where}`);
      }
      if (boto) {
        const viaBotocore = flatten(boto.profiles[name]);
        const viaJs = Object.fromEntries(
          Object.entries(after ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
        );
        const extra = Object.fromEntries(Object.entries(viaBotocore).filter(([key]) => viaJs[key] === undefined));
        assert.deepEqual(
          Object.fromEntries(Object.entries(viaBotocore).filter(([key]) => viaJs[key] !== undefined)),
          viaJs,
          `botocore reads '${name}' differently${where}`,
        );
        assert.ok(
          Object.values(extra).every((value) => value === ''),
          `botocore reads more than the empty keys for '${name}': ${JSON.stringify(extra)}${where}`,
        );
      }
    }
    assert.deepEqual(
      [...back.profiles.keys()].filter((name) => !files.profiles.has(name)),
      [],
      `no profile appears from nowhere${where}`,
    );
    assert.deepEqual(
      back.ssoSessions,
      new Map(
        [...files.ssoSessions].map(([name, values]) => [
          name,
          expected({ profiles: new Map([[name, values]]) } as unknown as AwsFiles, name, false),
        ]),
      ),
    );
    return { rewritten, omitted: omitted.size };
  }

  test(
    'no long-term key; every setting reads back the same (JS SDK and botocore); rewritten ' +
      'profiles are credential_process for sh and botocore alike',
    async () => {
      let rewritten = 0;
      let omitted = 0;
      await fc.assert(
        fc.asyncProperty(caseArbitrary, async (c) => {
          const result = await check(c);
          rewritten += result.rewritten;
          omitted += result.omitted;
        }),
        { numRuns: runs(150), seed: SEED },
      );
      assert.ok(
        rewritten > 50 && omitted > 0,
        `the generator exercised rewriting (${rewritten}) and leaving out (${omitted})`,
      );
    },
  );
});

describe('end to end: the AWS CLI gets the role through overlays of hostile configs', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox();
    box.emu.advance(30);
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', '/bin/true']);
    assert.equal(warm.exitCode, 0, warm.stderr);
  });
  after(() => box.cleanup());

  test(
    'indented, quoted, commented, CRLF configs in hostile directories; profiles named -dev and "quoted"',
    { skip: !hasBotocore() && 'no Debian AWS CLI / botocore' },
    async () => {
      const original = readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8');
      const credentials = readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8');
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            directory: fc.constantFrom(...DIRECTORY_NAMES),
            pad: fc.constantFrom('', '  ', '\t'),
            crlf: fc.boolean(),
            header: fc.constantFrom('"', "'", ''),
            comment: fc.constantFrom('', ' # prod', ' ;x'),
          }),
          fc.constantFrom(['GEHC-056', 'hc-master'], ['team-b', 'team-b'], ['-dev', 'team-b'], ['quoted-b', 'team-b']),
          async ({ directory, pad, crlf, header, comment }, [profile, role]) => {
            const dir = join(box.dir, `e2e-${++n}`, directory);
            mkdirSync(dir, { recursive: true });
            let config =
              `${original}\n[profile -dev]\nsource_profile = GEHC-000\nrole_arn = ` +
              `arn:aws:iam::111111111111:role/team-b\nmfa_serial = ${SERIAL}\n[profile ` +
              `quoted-b]\nsource_profile = GEHC-000\nrole_arn = ` +
              `arn:aws:iam::111111111111:role/team-b\nmfa_serial = ${SERIAL}\n`;
            config = config
              .replace(/^\[profile ([^\]]+)\]$/gm, `[profile ${header}$1${header}]${comment}`)
              .replace(/^(\w+ = )/gm, `${pad}$1`);
            if (crlf) config = config.replace(/\n/g, '\r\n');
            writeFileSync(join(dir, 'config'), config);
            writeFileSync(join(dir, 'credentials'), credentials.replace(/^(aws_)/gm, `${pad}$1`));
            const env = {
              ...box.env,
              AWS_CONFIG_FILE: join(dir, 'config'),
              AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
            };
            const result = await box.tfmfa(
              [
                'exec',
                'GEHC-056',
                '--',
                AWS_CLI,
                'sts',
                'get-caller-identity',
                `--profile=${profile}`,
                '--endpoint-url',
                box.emu.url,
                '--output',
                'json',
              ],
              { env, detached: true },
            );
            assert.equal(result.exitCode, 0, `${result.stderr}\n--- config\n${config}`);
            assert.match(JSON.parse(result.stdout).Arn, new RegExp(`assumed-role/${role}/`));
            assert.ok(
              !result.stdout.includes(box.user.secretAccessKey) && !result.stderr.includes(box.user.secretAccessKey),
            );
          },
        ),
        { numRuns: runs(5), seed: SEED },
      );
      assert.equal(box.emu.count('GetSessionToken'), 1, 'one MFA session for all of it: no prompt');
    },
  );
});
