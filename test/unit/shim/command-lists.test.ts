import { readSettings } from '../../../src/environment/settings.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subcommandIndex, subcommandOf } from '../../../src/shim/command-lists.ts';
import { isPassthrough } from '../../../src/shim/passthrough.ts';

test("the subcommand comes after terraform's -chdir=DIR options", () => {
  assert.equal(subcommandOf('terraform', ['-chdir=infra', '-chdir=x', 'plan', '-out=p']), 'plan');
  assert.equal(subcommandOf('terraform', []), '');
});

test("the subcommand comes after the AWS CLI's global options, with or without their values", () => {
  assert.equal(subcommandOf('aws', ['--profile', 'GEHC-056', 'sts', 'get-caller-identity']), 'sts');
  assert.equal(subcommandOf('aws', ['--profile=GEHC-056', '--debug', '--region', 'eu-west-1', 's3', 'ls']), 's3');
  assert.equal(subcommandOf('aws', ['--no-cli-pager', '--output', 'json', 'configure', 'list']), 'configure');
  assert.equal(subcommandOf('aws', ['--profile']), '', 'an option missing its value: no subcommand');
  assert.equal(subcommandIndex('aws', ['--profile']), 2);
  assert.equal(subcommandOf('aws', ['--version']), '--version', 'an option that is the command itself stays');
});

test("another tool's arguments are not taken for the AWS CLI's options", () => {
  assert.equal(subcommandOf('terraform', ['--profile', 'x', 'plan']), '--profile');
  assert.equal(subcommandOf('terragrunt', ['--debug', 'plan']), '--debug');
});

test('pass-through sees the subcommand after the global options', () => {
  assert.equal(isPassthrough('aws', ['--profile', 'GEHC-056', 'configure', 'list'], readSettings({})), true);
  assert.equal(
    isPassthrough('aws', ['--profile', 'configure', 's3', 'ls'], readSettings({})),
    false,
    'a value that looks like a subcommand is a value',
  );
  assert.equal(isPassthrough('aws', ['--profile', 'GEHC-056', 's3', 'ls'], readSettings({})), false);
});

test(
  "aws login and logout run straight through: they write the user's own config and login cache, not " + 'the overlay',
  () => {
    assert.equal(isPassthrough('aws', ['login', '--profile', 'dev'], readSettings({})), true);
    assert.equal(isPassthrough('aws', ['--profile', 'dev', 'logout'], readSettings({})), true);
  },
);
