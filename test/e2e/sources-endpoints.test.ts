import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFakeTool, readRecords } from '../support/fake-tool.ts';
import { createSandbox, ROLE_B, SERIAL, type Sandbox } from '../support/sandbox.ts';

describe("STS endpoints from the SDK's standard settings, and non-static chain sources", () => {
  let box: Sandbox;
  let tool: { path: string; recordsFile: string };
  /** The sandbox environment without AWS_ENDPOINT_URL_STS: the endpoint must come from elsewhere. */
  let noEndpointEnv: Record<string, string>;
  const freshCode = () => {
    box.emu.advance(30);
    return box.emu.currentCode(SERIAL);
  };
  let round = 0;
  const coldCache = () => join(box.dir, `cache-${++round}`);

  before(async () => {
    box = await createSandbox();
    const keysScript = join(box.dir, 'print-keys.sh');
    writeFileSync(
      keysScript,
      `#!/bin/sh\nprintf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s"}' '${box.user.accessKeyId}' ` +
        `'${box.user.secretAccessKey}'\n`,
      { mode: 0o755 },
    );
    box.writeConfig(`[profile via-endpoint-url]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
endpoint_url = ${box.emu.url}
[services emulator]
sts =
  endpoint_url = ${box.emu.url}
[profile via-services]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
services = emulator
[profile proc-source]
credential_process = ${keysScript}
[profile via-process-source]
source_profile = proc-source
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
[profile via-env-source]
credential_source = Environment
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
`);
    const { AWS_ENDPOINT_URL_STS: _omit, ...rest } = box.env;
    noEndpointEnv = rest;
    tool = createFakeTool(join(box.dir, 'bin'), 'terraform');
  });
  after(() => box.cleanup());
  beforeEach(() => box.emu.resetCounts());

  for (const [name, profile, extra] of [
    ['endpoint_url in the profile', 'via-endpoint-url', {}],
    ['a [services] section', 'via-services', {}],
    ['AWS_ENDPOINT_URL', 'team-b', { AWS_ENDPOINT_URL: 'EMULATOR' }],
  ] as const) {
    test(`reaches STS through ${name}`, async () => {
      const env = {
        ...noEndpointEnv,
        TFMFA_CACHE_DIR: coldCache(),
        ...Object.fromEntries(Object.entries(extra).map(([k]) => [k, box.emu.url])),
      };
      const result = await box.tfmfa(['exec', profile, '--mfa-token', freshCode(), '--', tool.path], { env });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(box.emu.count('GetSessionToken'), 1);
      assert.equal(box.emu.count('AssumeRole'), 1);
    });
  }

  test('credential_process as the source of a chain: the role is assumed from it with the code', async () => {
    const result = await box.tfmfa(['exec', 'via-process-source', '--mfa-token', freshCode(), '--', tool.path], {
      env: { ...box.env, TFMFA_CACHE_DIR: coldCache() },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    const call = box.emu.calls().find((c) => c.action === 'AssumeRole');
    assert.equal(call?.params.SerialNumber, SERIAL);
    assert.equal(call?.principal, box.user.arn);
    assert.match(readRecords(tool.recordsFile).at(-1)!.env.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
  });

  test('credential_source = Environment takes the base keys from the environment', async () => {
    const env = {
      ...box.env,
      TFMFA_CACHE_DIR: coldCache(),
      AWS_ACCESS_KEY_ID: box.user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: box.user.secretAccessKey,
    };
    const result = await box.tfmfa(['exec', 'via-env-source', '--mfa-token', freshCode(), '--', tool.path], { env });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(box.emu.calls().find((c) => c.action === 'AssumeRole')?.principal, box.user.arn);
    assert.notEqual(readRecords(tool.recordsFile).at(-1)!.env.AWS_ACCESS_KEY_ID, box.user.accessKeyId);
  });
});
