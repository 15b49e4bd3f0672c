import { readSettings } from '../../../src/environment/settings.ts';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LONG_RUN, longRunMatch } from '../../../src/shim/long-run.ts';

const isLongRun = (tool: string, args: readonly string[], env: NodeJS.ProcessEnv) =>
  longRunMatch(tool, args, readSettings(env)) !== null;
import {
  MIN_USEFUL_SECONDS,
  requiredSeconds,
  SERVER_FLOOR_SECONDS,
  STATIC_KEYS_FLOOR_SECONDS,
} from '../../../src/session/margin.ts';
import { humanDuration } from '../../../src/server/session-notice.ts';

describe('the long-run list (server mode by default)', () => {
  test('terraform and tofu: plan, apply, destroy, import, refresh, console, test, also after -chdir=', () => {
    for (const tool of ['terraform', 'tofu']) {
      for (const command of ['plan', 'apply', 'destroy', 'import', 'refresh', 'console', 'test']) {
        assert.ok(isLongRun(tool, [command], {}), `${tool} ${command}`);
        assert.ok(isLongRun(tool, ['-chdir=infra', command, '-auto-approve'], {}), `${tool} -chdir ${command}`);
      }
      for (const args of [[], ['output'], ['version'], ['state', 'list'], ['init'], ['show'], ['fmt'], ['providers']]) {
        assert.ok(!isLongRun(tool, args, {}), `${tool} ${args.join(' ')}`);
      }
    }
  });

  test("terragrunt: run, run-all, terraform's long subcommands, and --all anywhere; packer build", () => {
    assert.equal(longRunMatch('terragrunt', ['run', '--all', 'plan'], readSettings({})), 'run');
    assert.equal(longRunMatch('terragrunt', ['run-all', 'apply'], readSettings({})), 'run-all');
    assert.equal(longRunMatch('terragrunt', ['apply'], readSettings({})), 'apply');
    assert.equal(longRunMatch('terragrunt', ['--non-interactive', 'output', '--all'], readSettings({})), '--all');
    assert.equal(longRunMatch('terragrunt', ['output'], readSettings({})), null);
    assert.equal(longRunMatch('terragrunt', ['hclfmt'], readSettings({})), null);
    assert.ok(isLongRun('packer', ['build', 'x.pkr.hcl'], {}));
    assert.ok(!isLongRun('packer', ['validate'], {}));
    assert.ok(!isLongRun('aws', ['s3', 'sync', 'a', 'b'], {}), 'the AWS CLI stays on the fast path');
    assert.ok(!isLongRun('terraform', ['--all'], {}), 'a --flag entry is per tool');
  });

  test('TFMFA_LONG_RUN replaces the list for the tools it names; 0 turns server mode off', () => {
    const env = { TFMFA_LONG_RUN: 'terraform:apply,output tofu:' };
    assert.ok(isLongRun('terraform', ['output'], env));
    assert.ok(!isLongRun('terraform', ['plan'], env));
    assert.ok(!isLongRun('tofu', ['apply'], env), 'an empty list: never');
    assert.ok(isLongRun('terragrunt', ['run-all', 'apply'], env), 'tools not named keep the built-in list');
    for (const tool of Object.keys(LONG_RUN))
      assert.ok(!isLongRun(tool, ['apply', '--all'], { TFMFA_LONG_RUN: '0' }), tool);
    assert.ok(isLongRun('terraform', ['apply'], { TFMFA_LONG_RUN: '' }), 'empty: the built-in list');
  });
});

describe('how much life a credential must have left', () => {
  test('static keys: at least 15 minutes; the server: 16; TFMFA_MIN_TTL raises both', () => {
    assert.equal(requiredSeconds(300, STATIC_KEYS_FLOOR_SECONDS, 3600), 900);
    assert.equal(requiredSeconds(300, SERVER_FLOOR_SECONDS, 3600), 960);
    assert.equal(requiredSeconds(1800, SERVER_FLOOR_SECONDS, 3600), 1800);
    assert.equal(requiredSeconds(300, 0, 3600), 300, 'no floor: TFMFA_MIN_TTL alone');
  });

  test('a lifetime too short for the floor is renewed a minute after issue, not on every request', () => {
    assert.equal(requiredSeconds(300, SERVER_FLOOR_SECONDS, 900), 900 - MIN_USEFUL_SECONDS);
    assert.equal(requiredSeconds(300, STATIC_KEYS_FLOOR_SECONDS, 900), 840);
    assert.equal(
      requiredSeconds(894, SERVER_FLOOR_SECONDS, 900),
      894,
      'TFMFA_MIN_TTL still wins (the tests renew every few seconds so)',
    );
  });

  test('the MFA session left, for people', () => {
    assert.equal(humanDuration(14 * 60 + 59), '14 min');
    assert.equal(humanDuration(3600), '1 h');
    assert.equal(humanDuration(2 * 3600 + 5 * 60), '2 h 5 min');
    assert.equal(humanDuration(-5), '0 min');
  });
});
