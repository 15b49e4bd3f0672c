import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadAwsFiles } from '../../../src/config/load.ts';
import { chainNeedsSession, NoCredentialsError, resolveChain } from '../../../src/config/resolve.ts';
import { writeAwsFiles } from '../../support/aws-files.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const OPTIONS = { user: 'alice', nowMs: NOW };

async function resolve(config: string, credentials: string, profile: string) {
  const fixture = writeAwsFiles(config, credentials);
  try {
    const files = await loadAwsFiles(fixture);
    return resolveChain(files, profile, OPTIONS);
  } finally {
    fixture.cleanup();
  }
}

const SEED_CONFIG = `[profile GEHC-000]
region = us-west-2
[profile GEHC-056]
source_profile = GEHC-000
role_arn = arn:aws:iam::111111111111:role/hc/hc-master
mfa_serial = arn:aws:iam::222222222222:mfa/username
external_id = 111111111111
`;
const SEED_CREDENTIALS = `[GEHC-000]
aws_access_key_id = AKIAEXAMPLE000000001
aws_secret_access_key = secret000
`;

describe('resolveChain', () => {
  test('the seed pair: long-term keys in the credentials file, a role with MFA and external id', async () => {
    const chain = await resolve(SEED_CONFIG, SEED_CREDENTIALS, 'GEHC-056');
    assert.deepEqual(chain.source, {
      kind: 'static-keys',
      profile: 'GEHC-000',
      accessKeyId: 'AKIAEXAMPLE000000001',
      secretAccessKey: 'secret000',
    });
    assert.equal(chain.roles.length, 1);
    assert.equal(chain.roles[0]?.roleArn, 'arn:aws:iam::111111111111:role/hc/hc-master');
    assert.equal(chain.roles[0]?.externalId, '111111111111');
    assert.equal(chain.roles[0]?.roleSessionName, `tfmfa-alice-${NOW / 1000}`);
    assert.equal(chain.mfaSerial, 'arn:aws:iam::222222222222:mfa/username');
    assert.equal(chain.region, 'us-west-2', 'region is inherited from the source profile');
    assert.deepEqual(chain.profiles, ['GEHC-000', 'GEHC-056']);
    assert.equal(chainNeedsSession(chain), true);
  });

  test('keys in the config file, and the credentials file wins for the same key', async () => {
    const chain = await resolve(
      '[profile p]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s1\n',
      '[p]\naws_secret_access_key = s2\n',
      'p',
    );
    assert.equal(chain.source.kind, 'static-keys');
    assert.equal(chain.source.kind === 'static-keys' && chain.source.secretAccessKey, 's2');
    assert.equal(chainNeedsSession(chain), false);
  });

  test('role → role → role chains of any depth, with mfa_serial inherited from the source profile', async () => {
    const chain = await resolve(
      `[profile base]
mfa_serial = arn:aws:iam::222222222222:mfa/me
[profile r1]
source_profile = base
role_arn = arn:aws:iam::111111111111:role/one
duration_seconds = 7200
[profile r2]
source_profile = r1
role_arn = arn:aws:iam::111111111111:role/two
role_session_name = custom-name
[profile r3]
source_profile = r2
role_arn = arn:aws:iam::333333333333:role/three
region = eu-west-1
mfa_process = echo 123456
`,
      '[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = sb\n',
      'r3',
    );
    assert.deepEqual(
      chain.roles.map((r) => r.roleArn.split('/').pop()),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(
      chain.roles.map((r) => r.mfaSerial),
      Array(3).fill('arn:aws:iam::222222222222:mfa/me'),
    );
    assert.equal(chain.roles[0]?.durationSeconds, 7200);
    assert.equal(chain.roles[1]?.roleSessionName, 'custom-name');
    assert.equal(chain.mfaSerial, 'arn:aws:iam::222222222222:mfa/me');
    assert.equal(chain.mfaProcess, 'echo 123456');
    assert.equal(chain.region, 'eu-west-1');
  });

  test('a depth-50 chain resolves', async () => {
    let config = '[profile p0]\naws_access_key_id = AKIA0\naws_secret_access_key = s\n';
    for (let i = 1; i <= 50; i++)
      config += `[profile p${i}]\nsource_profile = p${i - 1}\nrole_arn = arn:aws:iam::111111111111:role/r${i}\n`;
    const chain = await resolve(config, '', 'p50');
    assert.equal(chain.roles.length, 50);
    assert.equal(chain.profiles[0], 'p0');
  });

  test('a cycle is an error that names the cycle', async () => {
    const config = `[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::111111111111:role/a
[profile b]\nsource_profile = c\nrole_arn = arn:aws:iam::111111111111:role/b
[profile c]\nsource_profile = a\nrole_arn = arn:aws:iam::111111111111:role/c\n`;
    await assert.rejects(resolve(config, '', 'a'), /source_profile cycle: a → b → c → a/);
  });

  test('source_profile naming itself uses its own static keys', async () => {
    const chain = await resolve(
      '[profile s]\nrole_arn = arn:aws:iam::111111111111:role/x\nsource_profile = s\n',
      '[s]\naws_access_key_id = AKIAS\naws_secret_access_key = x\n',
      's',
    );
    assert.equal(chain.source.kind, 'static-keys');
    assert.equal(chain.roles.length, 1);
  });

  test('a missing profile lists the closest existing names', async () => {
    await assert.rejects(
      resolve(SEED_CONFIG, SEED_CREDENTIALS, 'GEHC-05'),
      /profile 'GEHC-05' not found: did you mean 'GEHC-056', 'GEHC-000'/,
    );
    await assert.rejects(
      resolve('[profile r]\nsource_profile = nope\nrole_arn = arn:aws:iam::111111111111:role/x\n', '', 'r'),
      /profile 'nope' \(source_profile of 'r'\) not found/,
    );
  });

  test('credential_source, credential_process and SSO as the source of a chain', async () => {
    const viaEnv = await resolve(
      '[profile e]\nrole_arn = arn:aws:iam::111111111111:role/x\ncredential_source = Environment\n',
      '',
      'e',
    );
    assert.deepEqual(viaEnv.source, { kind: 'credential-source', profile: 'e', source: 'Environment' });
    await assert.rejects(
      resolve('[profile e]\nrole_arn = arn:aws:iam::111111111111:role/x\ncredential_source = Laptop\n', '', 'e'),
      /credential_source 'Laptop' is not supported: use one of Environment, Ec2InstanceMetadata, EcsContainer/,
    );
    const viaProcess = await resolve(
      '[profile src]\ncredential_process = /bin/get-creds --x\n[profile r]\nsource_profile = src\nrole_arn = ' +
        'arn:aws:iam::111111111111:role/x\n',
      '',
      'r',
    );
    assert.deepEqual(viaProcess.source, { kind: 'credential-process', profile: 'src', command: '/bin/get-creds --x' });
    const viaSso = await resolve(
      `[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1
[profile sso]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Admin
[profile r]\nsource_profile = sso\nrole_arn = arn:aws:iam::111111111111:role/x\n`,
      '',
      'r',
    );
    assert.deepEqual(viaSso.source, { kind: 'sso', profile: 'sso' });
    await assert.rejects(
      resolve('[profile sso]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = A\n', '', 'sso'),
      /no \[sso-session nope\] section/,
    );
  });

  test('static keys win over credential_process, as in every SDK', async () => {
    const chain = await resolve(
      '[profile p]\ncredential_process = /bin/false\n',
      '[p]\naws_access_key_id = AKIAP\naws_secret_access_key = s\n',
      'p',
    );
    assert.equal(chain.source.kind, 'static-keys');
  });

  test('bad values name the profile, the key and the fix', async () => {
    const role = (extra: string) =>
      `[profile b]\naws_access_key_id = AKIAB\naws_secret_access_key = s\n[profile r]\nsource_profile = ` +
      `b\nrole_arn = arn:aws:iam::111111111111:role/x\n${extra}\n`;
    await assert.rejects(
      resolve(role('mfa_serial = my-phone'), '', 'r'),
      /profile 'r': mfa_serial 'my-phone' is not valid: expected an MFA device ARN/,
    );
    await assert.rejects(
      resolve(role('duration_seconds = 60'), '', 'r'),
      /duration_seconds '60' is not valid: expected a whole number of seconds from 900 to 43200/,
    );
    await assert.rejects(resolve(role('duration_seconds = 1h'), '', 'r'), /duration_seconds '1h' is not valid/);
    await assert.rejects(resolve(role('external_id = x'), '', 'r'), /external_id 'x' is not valid/);
    await assert.rejects(
      resolve(role('role_session_name = has space'), '', 'r'),
      /role_session_name 'has space' is not valid/,
    );
    await assert.rejects(
      resolve(
        '[profile r]\nsource_profile = r2\nrole_arn = not-an-arn\n[profile r2]\naws_access_key_id = ' +
          'A\naws_secret_access_key = s\n',
        '',
        'r',
      ),
      /role_arn 'not-an-arn' is not valid/,
    );
    await assert.rejects(
      resolve('[profile r]\nrole_arn = arn:aws:iam::111111111111:role/x\n', '', 'r'),
      /has role_arn but neither source_profile nor credential_source/,
    );
    await assert.rejects(
      resolve('[profile k]\naws_access_key_id = AKIA\n', '', 'k'),
      /has static keys but no aws_secret_access_key/,
    );
  });

  test('a profile with only a region has no credentials', async () => {
    await assert.rejects(resolve('[profile plain]\nregion = us-east-1\n', '', 'plain'), NoCredentialsError);
  });

  test('AWS_CONFIG_FILE-style paths: files that do not exist are empty', async () => {
    const files = await loadAwsFiles({
      configPath: '/nonexistent/config',
      credentialsPath: '/nonexistent/credentials',
    });
    assert.equal(files.profiles.size, 0);
  });
});
