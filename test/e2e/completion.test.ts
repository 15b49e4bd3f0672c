import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { defineCommand, helpText } from '../../src/commands/command.ts';
import { flagsOf } from '../../src/commands/completion.ts';
import { COMMANDS } from '../../src/commands/index.ts';
import { CLI, createSandbox, type Sandbox } from '../support/sandbox.ts';

function installed(shell: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .concat(['/usr/bin', '/bin'])
    .some((dir) => existsSync(join(dir, shell)));
}

const EVIL = 'evil$(touch${IFS}pwned)';

describe('tfmfa completion', () => {
  let box: Sandbox;
  let env: Record<string, string>;
  const scripts: Record<string, string> = {};
  /** The sandbox's files, plus a profile whose name is shell code (only the credentials file allows such names). */
  const writeFiles = (extra = '') => {
    box.writeConfig(extra);
    appendFileSync(join(box.home, '.aws', 'credentials'), `[${EVIL}]\nregion = us-east-1\n`);
  };

  before(async () => {
    box = await createSandbox();
    writeFiles();
    const bin = join(box.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(CLI, join(bin, 'tfmfa'));
    writeFileSync(join(bin, 'terraform-fake-xyz'), '#!/bin/sh\n');
    chmodSync(join(bin, 'terraform-fake-xyz'), 0o755);
    env = { ...box.env, PATH: `${bin}:${box.env.PATH}` };
    for (const shell of ['bash', 'zsh', 'fish']) {
      const result = await box.tfmfa(['completion', shell]);
      assert.equal(result.exitCode, 0, result.stderr);
      scripts[shell] = join(box.dir, `tfmfa.${shell}`);
      writeFileSync(scripts[shell] as string, `${result.stdout}\n`);
    }
  });
  after(() => box.cleanup());

  test('--help, and bad input: one line, exit 2', async () => {
    const help = await box.tfmfa(['completion', '--help']);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /^Usage: tfmfa completion bash\|zsh\|fish/);
    const cases: Array<[string[], RegExp]> = [
      [['completion'], /^tfmfa: completion: which shell\? run 'tfmfa completion bash\|zsh\|fish'$/],
      [['completion', 'tcsh'], /^tfmfa: completion: unsupported shell 'tcsh': use one of bash, zsh, fish$/],
      [['completion', 'bash', 'zsh'], /^tfmfa: completion: unexpected argument 'zsh'/],
      [['completion', '--shell', 'bash'], /^tfmfa: completion: Unknown option '--shell'/],
    ];
    for (const [args, message] of cases) {
      const result = await box.tfmfa(args);
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  });

  describe('bash', () => {
    /** Runs the completion function as bash would for these words, the cursor on the last one. */
    async function complete(words: string[], script = scripts.bash as string): Promise<string[]> {
      const quoted = words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
      const program =
        `source ${JSON.stringify(script)}; COMP_WORDS=(${quoted}); ` +
        `COMP_CWORD=${words.length - 1}; _tfmfa; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const result = await execa('bash', ['--norc', '--noprofile', '-c', program], {
        env,
        extendEnv: false,
        reject: false,
        cwd: box.dir,
      });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, '');
      return result.stdout.split('\n').filter(Boolean).sort();
    }

    test('commands', async () => {
      assert.deepEqual(await complete(['tfmfa', 'ex']), ['exec', 'export']);
      assert.deepEqual(await complete(['tfmfa', 'l']), ['list', 'login']);
      assert.ok((await complete(['tfmfa', ''])).includes('completion'));
    });

    test('profile names, from the config at completion time', async () => {
      assert.deepEqual(await complete(['tfmfa', 'exec', 'GE']), ['GEHC-000', 'GEHC-056']);
      assert.deepEqual(
        await complete(['tfmfa', 'exec', '--mfa-token', '123456', 'te']),
        ['team-b', 'team-c'],
        'an option value is not the profile',
      );
      assert.deepEqual(await complete(['tfmfa', 'login', 'lo']), ['long']);
      assert.deepEqual(await complete(['tfmfa', 'doctor', '--network', 'pl']), ['plain']);
      assert.deepEqual(
        await complete(['tfmfa', 'clear', 'GEHC-056', 'team-']),
        ['team-b', 'team-c'],
        'clear takes several',
      );
      assert.deepEqual(await complete(['tfmfa', 'export', 'team-b', 'te']), [], 'export takes one');
      assert.deepEqual(await complete(['tfmfa', 'list', '']), []);

      writeFiles('[profile brand-new]\nregion = us-east-1\n');
      try {
        assert.deepEqual(await complete(['tfmfa', 'exec', 'bra']), ['brand-new'], 'no need to regenerate the script');
      } finally {
        writeFiles();
      }
    });

    test('profile names are never evaluated by the shell', async () => {
      assert.deepEqual(await complete(['tfmfa', 'exec', 'ev']), [EVIL]);
      assert.ok(!existsSync(join(box.dir, 'pwned')));
    });

    test('flags, and the values of a flag with fixed choices', async () => {
      assert.deepEqual(await complete(['tfmfa', 'login', '--s']), ['--session-ttl', '--stdout']);
      assert.deepEqual(
        await complete(['tfmfa', 'exec', 'GEHC-056', '--no-']),
        ['--no-overlay', '--no-server', '--no-session'],
        'options may follow the profile',
      );
      assert.deepEqual(await complete(['tfmfa', 'export', '--format', '']), [
        'dotenv',
        'fish',
        'json',
        'powershell',
        'sh',
      ]);
      assert.deepEqual(await complete(['tfmfa', 'export', '-f', 'p']), ['powershell']);
      assert.deepEqual(await complete(['tfmfa', 'completion', '']), ['bash', 'fish', 'zsh']);
      assert.deepEqual(
        await complete(['tfmfa', 'list', '--']),
        ['--help', '--json'],
        'the hidden --names is not offered',
      );
      assert.deepEqual(
        await complete(['tfmfa', 'shim', 'install', '--']),
        ['--dir', '--force', '--help'],
        "a subcommand's flags",
      );
      assert.deepEqual(await complete(['tfmfa', 'exec', '--prompt', 'z']), ['zenity'], 'the prompt drivers');
      assert.deepEqual(
        await complete(['tfmfa', 'import', '--']),
        ['--backend', '--force', '--from', '--help', '--no-verify', '--remove', '--yes'],
        "import --from aws-vault's own flags",
      );
      assert.deepEqual(await complete(['tfmfa', 'import', '--backend', '']), ['file', 'keyring']);
    });

    test("exec: after the profile comes the command, then the command's own arguments", async () => {
      assert.deepEqual(await complete(['tfmfa', 'exec', 'GEHC-056', 'terraform-fake']), ['terraform-fake-xyz']);
      assert.deepEqual(await complete(['tfmfa', 'exec', 'GEHC-056', '--', 'terraform-fake']), ['terraform-fake-xyz']);
      assert.deepEqual(
        await complete(['tfmfa', 'exec', 'GEHC-056', 'terraform-fake-xyz', '--']),
        [],
        "its flags are not tfmfa's",
      );
      assert.deepEqual(await complete(['tfmfa', 'exec', 'GEHC-056', '--', 'terraform-fake-xyz', 'GE']), []);
    });
  });

  test(
    'zsh: the script parses, loads after compinit, and completes',
    { skip: !installed('zsh') && 'zsh is not installed' },
    async () => {
      const parse = await execa('zsh', ['-n', scripts.zsh as string], { reject: false });
      assert.equal(parse.exitCode, 0, parse.stderr);
      // The completion system's builtins are stubbed to print what they would offer.
      const harness = `autoload -Uz compinit && compinit -u -D
source ${JSON.stringify(scripts.zsh)}
compadd() { local a; for a in "$@"; do [[ $a == -- ]] || print -r -- "$a"; done }
_describe() { shift 3; print -rl -- "\${(@P)1}" }
_normal() { print -r -- "normal: \${words[*]} @ $CURRENT" }
_files() { print files }
t() { words=("$@"); CURRENT=$#; print "== $*"; _tfmfa }
t tfmfa ex
t tfmfa exec --mfa-token 1 GE
t tfmfa exec GEHC-056 terraform-fake
t tfmfa exec GEHC-056 -- terraform plan
t tfmfa exec GEHC-056 --no
t tfmfa export --format ''
t tfmfa completion ''
t tfmfa list ''
`;
      const result = await execa('zsh', ['-f', '-c', harness], { env, extendEnv: false, reject: false, cwd: box.dir });
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.stderr, '');
      const blocks = new Map(
        result.stdout
          .split('== ')
          .filter(Boolean)
          .map((block) => {
            const [head, ...rest] = block.split('\n');
            return [head as string, rest.filter(Boolean)];
          }),
      );
      assert.ok(
        blocks.get('tfmfa ex')?.includes("exec:run a command with the profile's credentials in its environment"),
      );
      assert.ok(blocks.get('tfmfa exec --mfa-token 1 GE')?.includes('GEHC-056'));
      assert.ok(blocks.get('tfmfa exec --mfa-token 1 GE')?.includes(EVIL));
      assert.deepEqual(blocks.get('tfmfa exec GEHC-056 terraform-fake'), ['normal: terraform-fake @ 1']);
      assert.deepEqual(blocks.get('tfmfa exec GEHC-056 -- terraform plan'), ['normal: terraform plan @ 2']);
      assert.ok(
        blocks.get('tfmfa exec GEHC-056 --no')?.includes('--no-overlay:do not point the child at the config overlay'),
      );
      assert.deepEqual(blocks.get('tfmfa export --format '), ['sh', 'fish', 'powershell', 'dotenv', 'json']);
      assert.deepEqual(blocks.get('tfmfa completion '), ['bash', 'zsh', 'fish']);
      assert.deepEqual(blocks.get('tfmfa list '), []);
      assert.ok(!existsSync(join(box.dir, 'pwned')));
    },
  );

  test('fish: the script parses and completes', { skip: !installed('fish') && 'fish is not installed' }, async () => {
    const parse = await execa('fish', ['--no-execute', scripts.fish as string], { reject: false });
    assert.equal(parse.exitCode, 0, parse.stderr);
    const complete = async (line: string): Promise<string[]> => {
      const result = await execa(
        'fish',
        ['--no-config', '-c', `source ${scripts.fish}; complete -C ${JSON.stringify(line).replace(/\$/g, '\\$')}`],
        { env, extendEnv: false, reject: false, cwd: box.dir },
      );
      assert.equal(result.exitCode, 0, result.stderr);
      return result.stdout
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.split('\t')[0] as string)
        .sort();
    };
    assert.deepEqual(await complete('tfmfa ex'), ['exec', 'export']);
    assert.deepEqual(await complete('tfmfa exec GE'), ['GEHC-000', 'GEHC-056']);
    assert.deepEqual(await complete('tfmfa exec --mfa-token 123456 te'), ['team-b', 'team-c']);
    assert.deepEqual(await complete('tfmfa clear GEHC-056 team-'), ['team-b', 'team-c']);
    assert.deepEqual(await complete('tfmfa doctor GEHC-056 te'), []);
    assert.deepEqual(await complete('tfmfa export --format p'), ['powershell']);
    assert.deepEqual(await complete('tfmfa completion '), ['bash', 'fish', 'zsh']);
    assert.deepEqual(await complete('tfmfa login --st'), ['--stdout']);
    assert.deepEqual(await complete('tfmfa exec GEHC-056 terraform-fake'), ['terraform-fake-xyz']);
    assert.deepEqual(await complete('tfmfa exec ev'), [EVIL]);
    assert.ok(!existsSync(join(box.dir, 'pwned')));
  });
});

describe('completion helpers', () => {
  test(
    'flags from a declaration: values, short names, the first line of a description, choices; ' +
      'hidden ones left out',
    () => {
      const thing = defineCommand({
        name: 'thing',
        summary: 'do a thing',
        usage: '[--mode fast|slow] PROFILE',
        options: {
          mode: {
            type: 'string',
            short: 'm',
            value: 'MODE',
            choices: ['fast', 'slow'],
            help: 'how to do it (default fast)',
          },
          quiet: { type: 'boolean', help: 'say less, over\ntwo lines' },
          out: { type: 'string', value: 'PATH', help: 'where' },
          secret: { type: 'boolean', hidden: true, help: 'for scripts' },
        },
        positionals: { kind: 'profile' },
      });
      assert.deepEqual(flagsOf(thing), [
        {
          name: '--mode',
          short: '-m',
          takesValue: true,
          choices: ['fast', 'slow'],
          description: 'how to do it (default fast)',
        },
        { name: '--quiet', takesValue: false, choices: [], description: 'say less, over' },
        { name: '--out', takesValue: true, choices: [], description: 'where' },
        { name: '--help', short: '-h', takesValue: false, choices: [], description: 'show this help' },
      ]);
      assert.match(
        helpText(thing),
        new RegExp(
          String.raw`^Usage: tfmfa thing \[--mode fast\|slow\] PROFILE\n\nOptions:\n  -m, --mode MODE  how to do ` +
            String.raw`it \(default fast\)\n  --quiet          say less, over\n                   two lines\n` +
            String.raw`  --out PATH       where\n  -h, --help       show this help$`,
        ),
      );
    },
  );

  test("a command's subcommands lend it their flags (shim install --dir, --force)", async () => {
    const { command } = await import('../../src/commands/shim.ts');
    assert.deepEqual(
      flagsOf(command).map((flag) => flag.name),
      ['--dir', '--force', '--help'],
    );
    assert.deepEqual(command.positionals, { kind: 'words', words: ['install', 'list', 'uninstall'] });
  });

  test('every command declares its positionals (none defaults silently)', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const { command } = await load();
      assert.ok(['none', 'profile', 'profiles', 'profile-command', 'words'].includes(command.positionals.kind), name);
    }
  });
});
