import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { terragruntAuthJson, terragruntEnvs } from '../../../src/output/terragrunt-json.ts';
import { terragruntAuthSchemaErrors } from '../../support/terragrunt-auth-schema.ts';

const KEYS = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'se/cr+et=',
  sessionToken: 'tok/en+=',
  expiration: new Date(0),
};

describe('terragrunt auth JSON', () => {
  test('exact bytes: key order fixed, no spaces (the launcher is held to these)', () => {
    const envs = terragruntEnvs(
      {
        set: {
          TFMFA_PROFILE: 'prod',
          AWS_DEFAULT_REGION: 'eu-west-1',
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'x',
        },
        unset: ['AWS_PROFILE'],
      },
      'TFMFA_PROFILE',
    );
    assert.equal(
      terragruntAuthJson(KEYS, envs),
      '{"awsCredentials":{"ACCESS_KEY_ID":"ASIAEXAMPLE","SECRET_ACCESS_KEY":"se/cr+et=","SESSION_TOKEN":"tok/en+="},' +
        '"envs":{"AWS_REGION":"eu-west-1","AWS_DEFAULT_REGION":"eu-west-1","TFMFA_PROFILE":"prod"}}',
    );
  });

  test('long-term keys: no SESSION_TOKEN; no region known: only the marker', () => {
    const json = terragruntAuthJson(
      { accessKeyId: 'AKIA1', secretAccessKey: 's' },
      terragruntEnvs({ set: { TFMFA_PROFILE: 'p' }, unset: [] }, 'TFMFA_PROFILE'),
    );
    assert.equal(
      json,
      '{"awsCredentials":{"ACCESS_KEY_ID":"AKIA1","SECRET_ACCESS_KEY":"s"},"envs":{"TFMFA_PROFILE":"p"}}',
    );
    assert.deepEqual(terragruntAuthSchemaErrors(JSON.parse(json)), []);
  });

  test('the schema check rejects what terragrunt would reject', () => {
    assert.deepEqual(terragruntAuthSchemaErrors([]), ['output is not a JSON object']);
    assert.deepEqual(terragruntAuthSchemaErrors({ awsCredentials: { ACCESS_KEY_ID: 'a' } }), [
      'awsCredentials.SECRET_ACCESS_KEY is missing',
    ]);
    assert.deepEqual(terragruntAuthSchemaErrors({ envs: { A: 1 }, extra: true }), [
      "unknown key 'extra'",
      'envs.A is not a string',
    ]);
    assert.deepEqual(terragruntAuthSchemaErrors({ awsRole: { duration: '1h' } }), [
      'awsRole.roleARN is missing',
      'awsRole.duration is not a number',
    ]);
    assert.deepEqual(
      terragruntAuthSchemaErrors({ awsCredentials: { ACCESS_KEY_ID: 'a', SECRET_ACCESS_KEY: 's', token: 't' } }),
      ["awsCredentials: unknown key 'token'"],
    );
  });
});
