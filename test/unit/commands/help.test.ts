// Every command's --help: `-h, --help` closes its options, and bare `tfmfa` is help, not an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMANDS } from '../../../src/commands/index.ts';
import { helpText } from '../../../src/commands/command.ts';

test('-h, --help is the last line of every options list', async () => {
  for (const [name, load] of Object.entries(COMMANDS)) {
    const help = helpText((await load()).command);
    const options = help.split('\n\n').find((block) => block.startsWith('Options:'));
    if (!options) continue;
    const lines = options.split('\n').slice(1);
    assert.match(lines.at(-1) ?? '', /^ {2}-h, --help {2,}show this help$/, `${name}: ${JSON.stringify(lines.at(-1))}`);
    assert.equal(lines.filter((line) => line.includes('--help')).length, 1, name);
  }
});

test('bare tfmfa prints the usage on stdout and exits 0, like --help', async () => {
  const { execFileSync } = await import('node:child_process');
  const { CLI } = await import('../../support/sandbox.ts');
  const bare = execFileSync(process.execPath, [CLI], { encoding: 'utf8' });
  assert.match(bare, /^Usage: tfmfa COMMAND/);
  assert.equal(bare, execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }));
});
