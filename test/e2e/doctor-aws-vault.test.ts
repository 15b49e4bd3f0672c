// doctor for a user coming from aws-vault: names the AWS_VAULT_* variables and their tfmfa counterparts, says
// which aws-vault config extensions tfmfa understands, what to change for include_profile and for
// credential_process = aws-vault … lines (with the exact replacement), and never edits the config.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { awsVaultCommandProfile } from '../../src/doctor/aws-vault-checks.ts';
import { withCredentialProcess } from '../../src/doctor/aws-vault-fix.ts';
import { spawnInPty } from '../support/pty.ts';
import { CLI, createSandbox, ROLE_B, SERIAL, type Sandbox } from '../support/sandbox.ts';

describe('doctor: aws-vault', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox({
      extraConfig: `[profile base]
region = eu-central-1
mfa_serial = ${SERIAL}
source_profile = GEHC-000
[profile included]
include_profile = base
role_arn = ${ROLE_B}
[profile wrapper]
credential_process = aws-vault export --format=json --no-session GEHC-056
[profile old-wrapper]
credential_process = /usr/local/bin/aws-vault exec --duration 1h team-b --json
[profile tagged]
source_profile = GEHC-000
role_arn = ${ROLE_B}
session_tags = team=platform
source_identity = alice
`,
    });
  });
  after(() => box.cleanup());

  test(
    'variables, extensions, credential_process lines and the stored files, without changing ' + 'the config',
    async () => {
      const vaultDir = join(box.dir, 'awsvault');
      mkdirSync(vaultDir);
      writeFileSync(join(vaultDir, 'GEHC-000'), 'x');
      const before = readFileSync(box.env.AWS_CONFIG_FILE as string);
      const result = await box.tfmfa(['doctor', 'GEHC-056'], {
        env: {
          ...box.env,
          AWS_VAULT_BACKEND: 'file',
          AWS_VAULT_FILE_DIR: vaultDir,
          AWS_VAULT_PROMPT: 'ykman',
          AWS_SESSION_TOKEN_TTL: '8h',
        },
      });
      const section = result.stdout.slice(
        result.stdout.indexOf('\naws-vault:\n'),
        result.stdout.indexOf('\n\nLong runs:'),
      );
      assert.match(section, /· AWS_VAULT_BACKEND is set \(aws-vault's\); tfmfa: TFMFA_BACKEND/);
      assert.match(section, /· AWS_VAULT_FILE_DIR is set/);
      assert.match(section, /· AWS_VAULT_PROMPT is set \(aws-vault's\); tfmfa: TFMFA_PROMPT/);
      assert.match(section, /· AWS_SESSION_TOKEN_TTL is set \(aws-vault's\); tfmfa: TFMFA_SESSION_TTL/);
      assert.match(section, /✔ session_tags \(aws-vault's\) in 'tagged': passed to AssumeRole, as aws-vault does/);
      assert.match(section, /✔ source_identity \(aws-vault's\) in 'tagged'/);
      assert.match(
        section,
        new RegExp(
          String.raw`! profile 'included' has include_profile = base: aws-vault's extension, which tfmfa .* does ` +
            String.raw`not read\n {4}fix: copy region, mfa_serial, source_profile from \[profile base\] ` +
            String.raw`into \[profile included\] and delete the include_profile line`,
        ),
      );
      assert.match(
        section,
        new RegExp(
          String.raw`! profile 'wrapper' runs aws-vault \(credential_process = aws-vault export --format=json ` +
            String.raw`--no-session GEHC-056\)\n {4}fix: after 'tfmfa import --from aws-vault GEHC-056', ` +
            String.raw`replace that line with: credential_process = .+ credential-process GEHC-056 \(`,
        ),
      );
      assert.match(
        section,
        /! profile 'old-wrapper' runs aws-vault .*\n {4}fix: after 'tfmfa import --from aws-vault team-b'/,
      );
      assert.match(section, new RegExp(`· aws-vault's encrypted files hold 1 item\\(s\\) in ${vaultDir}`));
      assert.deepEqual(readFileSync(box.env.AWS_CONFIG_FILE as string), before, 'doctor never edits the config');
    },
  );

  test('AWS_VAULT (a shell inside aws-vault exec) is a warning with its fix', async () => {
    const result = await box.tfmfa(['doctor', 'GEHC-056'], { env: { ...box.env, AWS_VAULT: 'GEHC-056' } });
    assert.match(
      result.stdout,
      /! AWS_VAULT is set \('GEHC-056'\): this shell runs inside 'aws-vault exec'.*\n {4}fix: leave that shell/,
    );
  });

  test(
    '--fix-aws-vault: asks per profile on the terminal; a yes changes that one line, every ' + 'other byte kept',
    async () => {
      const config = box.env.AWS_CONFIG_FILE as string;
      const original = readFileSync(config, 'utf8');
      const headless = await box.tfmfa(['doctor', '--fix-aws-vault']);
      assert.equal(headless.exitCode, 2);
      assert.match(
        headless.stderr,
        /^tfmfa: doctor --fix-aws-vault asks before changing each line and needs a terminal/,
      );
      assert.equal(readFileSync(config, 'utf8'), original);

      const pty = spawnInPty(process.execPath, [CLI, 'doctor', 'GEHC-056', '--fix-aws-vault'], { env: box.env });
      await pty.waitFor(
        /Point profile 'wrapper' at tfmfa \(credential_process = .* credential-process GEHC-056\)\? \[y\/N\]/,
      );
      pty.write('y\r');
      await pty.waitFor(/Point profile 'old-wrapper' at tfmfa .*\? \[y\/N\]/);
      pty.write('n\r');
      await pty.exited;
      assert.match(pty.output(), /tfmfa: profile 'wrapper': credential_process now runs tfmfa/);
      assert.match(pty.output(), /tfmfa: profile 'old-wrapper': left as it was/);
      const after = readFileSync(config, 'utf8');
      const changed = after.split('\n').filter((line, index) => line !== original.split('\n')[index]);
      assert.equal(changed.length, 1, after);
      assert.match(changed[0] ?? '', /^credential_process = \S.* credential-process GEHC-056$/);
      assert.equal(after.split('\n').length, original.split('\n').length);
      assert.match(after, /credential_process = \/usr\/local\/bin\/aws-vault exec --duration 1h team-b --json/);
      assert.doesNotMatch(
        pty.output(),
        /profile 'wrapper' runs aws-vault/,
        "doctor's checks after the fix read the new config",
      );
    },
  );

  test('the line rewrite keeps CRLF, comments, spacing and other sections; only the named section changes', () => {
    const text =
      '# top\r\n[profile a]\r\ncredential_process = aws-vault export a\r\n\r\n[profile b]\r\n  ' +
      'credential_process   =  aws-vault exec b --json  \r\nregion = x\r\n';
    assert.equal(
      withCredentialProcess(text, 'b', 'tfmfa credential-process b'),
      '# top\r\n[profile a]\r\ncredential_process = aws-vault export a\r\n\r\n[profile b]\r\n  ' +
        'credential_process   =  tfmfa credential-process b  \r\nregion = x\r\n',
    );
    assert.equal(withCredentialProcess(text, 'c', 'x'), null);
    assert.equal(
      withCredentialProcess('[profile a]\ncredential_process = /bin/other a\n', 'a', 'x'),
      null,
      'only aws-vault lines',
    );
  });

  test('the profile of an aws-vault command line', () => {
    assert.equal(awsVaultCommandProfile('aws-vault export --format=json dev'), 'dev');
    assert.equal(awsVaultCommandProfile('"/opt/bin/aws-vault" export --no-session dev'), 'dev');
    assert.equal(awsVaultCommandProfile('aws-vault exec -d 1h dev --json'), 'dev');
    assert.equal(awsVaultCommandProfile('aws-vault exec --region eu-west-1 -- dev'), null);
    assert.equal(awsVaultCommandProfile('aws-vault list'), null);
    assert.equal(awsVaultCommandProfile('/usr/bin/tfmfa credential-process dev'), null);
  });
});
