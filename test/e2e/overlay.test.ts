import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadAwsFiles } from '../../src/config/load.ts';
import { renderOverlayConfig } from '../../src/overlay/overlay.ts';
import { writeAwsFiles } from '../support/aws-files.ts';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { createSandbox, ROOT, SERIAL, type Sandbox } from '../support/sandbox.ts';

const AWS_CLI = '/usr/bin/aws';

const CONFIG = `# my AWS config
[default]
region = us-east-1

[profile base]
region = us-west-2
mfa_serial = arn:aws:iam::222222222222:mfa/me

[profile admin]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/admin
mfa_serial = arn:aws:iam::222222222222:mfa/me
region = eu-central-1
s3 =
  max_concurrent_requests = 20
; comment inside
output = json

[profile "quoted-name"]
region = ap-south-1

[sso-session corp]
sso_start_url = https://corp.example/start
sso_region = us-east-1

[services local]
sts =
  endpoint_url = http://127.0.0.1:9

[profile unrelated]
region = sa-east-1
output = table
`;
const CREDENTIALS = `[base]
aws_access_key_id = AKIABASE
aws_secret_access_key = base-secret-value
[only-in-credentials]
aws_access_key_id = AKIAONLY
aws_secret_access_key = only-secret-value
region = ca-central-1
`;

describe('config overlay rendering', () => {
  test(
    'rewrites MFA/role and static-key profiles, renders every other setting from the parse, ' + 'copies no secret',
    async () => {
      const fixture = writeAwsFiles(CONFIG, CREDENTIALS);
      try {
        const files = await loadAwsFiles(fixture);
        const { text, credentialsText, rewritten } = renderOverlayConfig({
          cacheDir: '/unused',
          files,
          node: '/opt/node dir/bin/node',
          entryPoint: "/opt/tf'mfa/dist/cli.js",
          user: 'u',
        });
        assert.deepEqual(rewritten.sort(), ['admin', 'base', 'only-in-credentials']);
        for (const secret of ['base-secret-value', 'only-secret-value', 'AKIABASE', 'AKIAONLY'])
          assert.ok(!text.includes(secret) && !credentialsText.includes(secret));
        const sectionOf = (name: string) => text.split(/\n(?=\[)/).find((s) => s.startsWith(`[${name}]`)) ?? '';
        assert.match(
          sectionOf('profile admin'),
          new RegExp(
            String.raw`^\[profile admin\]\ncredential_process = \/opt\/node' 'dir\/bin\/node ` +
              String.raw`\/opt\/tf"'"mfa\/dist\/cli.js credential-process --config-file \S+config ` +
              String.raw`--credentials-file \S+credentials -- admin\nregion = eu-central-1\noutput = json\ns3 =\n` +
              String.raw`  max_concurrent_requests = 20\n`,
          ),
        );
        assert.doesNotMatch(sectionOf('profile admin'), /role_arn|source_profile|mfa_serial/);
        for (const kept of [
          '[default]\nregion = us-east-1\n',
          '[sso-session corp]\nsso_start_url = https://corp.example/start\nsso_region = us-east-1\n',
          '[services local]\nsts =\n  endpoint_url = http://127.0.0.1:9\n',
          '[profile unrelated]\nregion = sa-east-1\noutput = table\n',
          '[profile quoted-name]\nregion = ap-south-1\n',
        ]) {
          assert.ok(text.includes(kept), `kept: ${kept}`);
        }
        assert.match(
          credentialsText,
          /^\[only-in-credentials\]\ncredential_process = .* -- only-in-credentials\nregion = ca-central-1\n\n$/,
          "a credentials-only profile stays in the overlay's credentials file, keys replaced by credential_process",
        );
        assert.ok(!text.includes('only-in-credentials'));
      } finally {
        fixture.cleanup();
      }
    },
  );
});

describe('config overlay with real clients (profile named in code beats the environment)', () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  before(async () => {
    box = await createSandbox();
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
    box.emu.advance(30);
    const warm = await box.tfmfa(['exec', 'GEHC-056', '--mfa-token', box.emu.currentCode(SERIAL), '--', tool.path]);
    assert.equal(warm.exitCode, 0, warm.stderr);
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  test('exec points the child at a private overlay; TFMFA_OVERLAY=0 and --no-overlay turn it off', async () => {
    const env = readRecords(tool.recordsFile).at(-1)!.env;
    assert.notEqual(env.AWS_CONFIG_FILE, box.env.AWS_CONFIG_FILE);
    const overlayConfig = env.AWS_CONFIG_FILE ?? '';
    assert.ok(overlayConfig.startsWith(join(box.cacheDir, 'overlay')));
    assert.equal(statSync(overlayConfig).mode & 0o777, 0o600);
    assert.ok(
      !readFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8').includes(box.user.secretAccessKey),
      'the overlay credentials file holds no key',
    );
    assert.equal(env.TFMFA_CONFIG_FILE, box.env.AWS_CONFIG_FILE);
    assert.ok(!readFileSync(overlayConfig, 'utf8').includes(box.user.secretAccessKey));
    for (const off of [
      { env: { ...box.env, TFMFA_OVERLAY: '0' }, args: [] },
      { env: box.env, args: ['--no-overlay'] },
    ]) {
      const result = await box.tfmfa(['exec', 'GEHC-056', ...off.args, '--', tool.path], {
        env: off.env,
        detached: true,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(readRecords(tool.recordsFile).at(-1)!.env.AWS_CONFIG_FILE, box.env.AWS_CONFIG_FILE);
    }
  });

  test("regenerated only when the user's files change; TFMFA_DEBUG names the rewritten profiles", async () => {
    const overlayPath = readRecords(tool.recordsFile).at(-1)!.env.AWS_CONFIG_FILE as string;
    const before = statSync(overlayPath).mtimeMs;
    await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], { detached: true });
    assert.equal(statSync(overlayPath).mtimeMs, before, 'unchanged files: overlay reused');
    const config = box.env.AWS_CONFIG_FILE as string;
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n[profile added-later]\nregion = us-east-1\n`);
    utimesSync(config, new Date(), new Date(Date.now() + 2000));
    const debug = await box.tfmfa(['exec', 'GEHC-056', '--', tool.path], {
      env: { ...box.env, TFMFA_DEBUG: '1' },
      detached: true,
    });
    assert.equal(debug.exitCode, 0, debug.stderr);
    assert.match(debug.stderr, /overlay rewrites \d+ profile\(s\) to credential_process: .*GEHC-056.*team-b/);
    assert.match(readFileSync(overlayPath, 'utf8'), /\[profile added-later\]/);
    assert.ok(!debug.stderr.includes(box.user.secretAccessKey));
  });

  test(
    'the Debian AWS CLI with --profile given explicitly reaches STS as the assumed role through the overlay',
    { skip: !existsSync(AWS_CLI) && 'no AWS CLI' },
    async () => {
      const result = await box.tfmfa(
        [
          'exec',
          'GEHC-056',
          '--',
          AWS_CLI,
          'sts',
          'get-caller-identity',
          '--profile',
          'GEHC-056',
          '--endpoint-url',
          box.emu.url,
          '--output',
          'json',
        ],
        { detached: true },
      );
      assert.equal(result.exitCode, 0, result.stderr);
      assert.match(JSON.parse(result.stdout).Arn, /assumed-role\/hc-master\//);
      const other = await box.tfmfa(
        [
          'exec',
          'GEHC-056',
          '--',
          AWS_CLI,
          'sts',
          'get-caller-identity',
          '--profile',
          'team-b',
          '--endpoint-url',
          box.emu.url,
          '--output',
          'json',
        ],
        { detached: true },
      );
      assert.equal(other.exitCode, 0, other.stderr);
      assert.match(JSON.parse(other.stdout).Arn, /assumed-role\/team-b\//);
      assert.equal(
        box.emu.count('GetSessionToken'),
        0,
        'another profile on the same device: no new MFA session, no prompt',
      );
    },
  );

  test("the JS SDK's fromIni({ profile }) inside exec gets the role through the overlay", async () => {
    const script = join(box.dir, 'from-ini.mjs');
    writeFileSync(
      script,
      `
import { STSClient, GetCallerIdentityCommand }
  from ${JSON.stringify(join(ROOT, 'node_modules/@aws-sdk/client-sts/dist-cjs/index.js'))};
import { fromIni } from ${JSON.stringify(join(ROOT, 'node_modules/@aws-sdk/credential-providers/dist-cjs/index.js'))};
const client = new STSClient({
  region: 'us-west-2',
  endpoint: process.argv[2],
  credentials: fromIni({ profile: 'GEHC-056' }),
});
const out = await client.send(new GetCallerIdentityCommand({}));
console.log(out.Arn);
`,
    );
    const result = await box.tfmfa(['exec', 'GEHC-056', '--', process.execPath, script, box.emu.url], {
      detached: true,
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout.trim(), /^arn:aws:sts::111111111111:assumed-role\/hc-master\//);
  });
});
