// The loop rule (src/shim/loop-guard.ts) on its own: what the stack records, and when a start is refused.
import { readSettings } from '../../../src/environment/settings.ts';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UserError } from '../../../src/errors.ts';
import { MAX_SHIM_DEPTH, parseStack, pushStack, stackEntry } from '../../../src/shim/loop-guard.ts';

const TF = '/usr/local/bin/terraform';
const push = (stack: string | undefined, tool: string, binary: string, pid: number) =>
  pushStack(readSettings(stack === undefined ? {} : { TFMFA_SHIM_STACK: stack }), tool, binary, pid).TFMFA_SHIM_STACK;
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof UserError);
    return error;
  }
  assert.fail('not refused');
};

describe('loop guard', () => {
  test('the stack records tool, binary and the pid that became the binary, outermost first', () => {
    assert.equal(push(undefined, 'terraform', TF, 10), `terraform=${TF}@10`);
    assert.equal(push('', 'terraform', TF, 10), `terraform=${TF}@10`);
    assert.equal(push(`terraform=${TF}@10`, 'terraform', TF, 20), `terraform=${TF}@10|terraform=${TF}@20`);
    assert.deepEqual(parseStack(`terraform=${TF}@10|aws=/opt/a@b/aws@7|terragrunt=/old/format`), [
      { tool: 'terraform', binary: TF, pid: 10 },
      { tool: 'aws', binary: '/opt/a@b/aws', pid: 7 },
      { tool: 'terragrunt', binary: '/old/format', pid: null },
    ]);
    assert.deepEqual(parseStack(''), []);
  });

  test('the same binary for the same tool under itself, from another process, is nesting', () => {
    let stack: string | undefined;
    for (let pid = 100; pid < 100 + MAX_SHIM_DEPTH; pid++) stack = push(stack, 'terraform', TF, pid);
    assert.equal(parseStack(stack ?? '').length, MAX_SHIM_DEPTH);
  });

  test('the same process arriving again for the same tool and binary is a loop (exit 126)', () => {
    const error = refusal(() =>
      push(`aws=/usr/bin/aws@5|terraform=/wrap/terraform@42`, 'terraform', '/wrap/terraform', 42),
    );
    assert.equal(error.exitCode, 126);
    assert.match(
      error.message,
      new RegExp(
        String.raw`^loop: the terraform shim would start \/wrap\/terraform again, and \/wrap\/terraform came ` +
          String.raw`straight back to the shim without running anything .*full path$`,
      ),
    );
  });

  test('the same process for another tool or another binary is progress', () => {
    assert.ok(push(`terraform=/wrap/terraform@42`, 'terraform', '/usr/bin/terraform', 42));
    assert.ok(push(`terraform=/wrap/terraform@42`, 'aws', '/wrap/terraform', 42));
    assert.ok(
      push(`terraform=/wrap/terraform`, 'terraform', '/wrap/terraform', 42),
      'an entry without pid never matches a pid',
    );
  });

  test(`a stack ${MAX_SHIM_DEPTH} deep is refused, whatever it holds`, () => {
    const deep = Array.from({ length: MAX_SHIM_DEPTH }, (_, i) =>
      stackEntry(i % 2 ? 'aws' : 'terraform', `/bin/${i}`, 1000 + i),
    ).join('|');
    const error = refusal(() => push(deep, 'terragrunt', '/usr/bin/terragrunt', 1));
    assert.equal(error.exitCode, 126);
    assert.match(
      error.message,
      new RegExp(
        `but ${MAX_SHIM_DEPTH} real binaries already run nested under tfmfa shims \\(TFMFA_SHIM_STACK, at ` +
          `most ${MAX_SHIM_DEPTH}\\)`,
      ),
    );
    assert.ok(push(deep.split('|').slice(1).join('|'), 'terragrunt', '/usr/bin/terragrunt', 1));
  });
});
