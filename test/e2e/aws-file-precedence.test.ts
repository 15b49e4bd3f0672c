// Which AWS config and credentials file credential-process reads (issue 21.4): the shell launcher and Node follow
// one rule (src/environment/aws-files.ts), held equal over every combination of the command line's
// --config-file / --credentials-file, TFMFA_CONFIG_FILE / TFMFA_CREDENTIALS_FILE and AWS_CONFIG_FILE /
// AWS_SHARED_CREDENTIALS_FILE; and the reported attack: inside `tfmfa exec`, a credential_process that names
// another config file gets that file's account, not the session's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execa } from 'execa';
import { fileStamp } from '../../src/store/file-stamp.ts';
import { parseTicket, serializeTicket, type Ticket } from '../../src/store/ticket-format.ts';
import { CLI, ROLE_C, SERIAL } from '../support/sandbox.ts';
import { cleanEnv, createShimWorld, writeLauncher, type ShimWorld } from '../support/shim-world.ts';

const AWS_CLI = '/usr/bin/aws';
const PLACES = ['flag', 'tfmfa', 'aws', 'home'] as const;
type Place = (typeof PLACES)[number];
const KINDS = {
  config: { flag: '--config-file', tfmfa: 'TFMFA_CONFIG_FILE', aws: 'AWS_CONFIG_FILE', name: 'config' },
  credentials: {
    flag: '--credentials-file',
    tfmfa: 'TFMFA_CREDENTIALS_FILE',
    aws: 'AWS_SHARED_CREDENTIALS_FILE',
    name: 'credentials',
  },
} as const;
type Kind = keyof typeof KINDS;

/** Which of flag, TFMFA_*, AWS_* a combination sets, per kind. */
interface Combination {
  config: Record<Exclude<Place, 'home'>, boolean>;
  credentials: Record<Exclude<Place, 'home'>, boolean>;
}

function combinations(): Combination[] {
  const bits = (n: number) => ({ flag: (n & 1) !== 0, tfmfa: (n & 2) !== 0, aws: (n & 4) !== 0 });
  const all: Combination[] = [];
  for (let c = 0; c < 8; c++) for (let k = 0; k < 8; k++) all.push({ config: bits(c), credentials: bits(k) });
  return all;
}

describe('one rule for the AWS files, in the launcher and in Node', () => {
  let world: ShimWorld;
  let launcher: string;
  let ticketPath: string;
  let servePath: string;
  let warmTicket: Ticket;
  /** The file of each kind at each place: copies of the sandbox's files (same content, different files). */
  const files = {} as Record<Kind, Record<Place, string>>;

  before(async () => {
    world = await createShimWorld();
    await world.warm();
    const home = world.box.home;
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const homeFile = join(home, '.aws', KINDS[kind].name);
      files[kind] = { home: homeFile } as Record<Place, string>;
      for (const place of ['flag', 'tfmfa', 'aws'] as const) {
        mkdirSync(join(world.box.dir, place), { recursive: true });
        files[kind][place] = join(world.box.dir, place, KINDS[kind].name);
        copyFileSync(homeFile, files[kind][place]);
      }
    }
    // A launcher whose hand-over to Node only says so: what it serves itself is what it chose.
    const dir = join(world.box.dir, 'serve');
    mkdirSync(dir);
    const entry = join(dir, 'no-node');
    writeFileSync(entry, '#!/bin/sh\necho HANDED-OVER\n', { mode: 0o755 });
    launcher = join(dir, 'tfmfa-launcher');
    writeLauncher(launcher, entry);
    ticketPath = join(world.box.cacheDir, 'tickets', 'GEHC-056.ticket');
    servePath = join(world.box.cacheDir, 'tickets', 'GEHC-056.serve');
    const parsed = parseTicket(readFileSync(ticketPath, 'utf8'));
    assert.ok(parsed);
    warmTicket = parsed;
  });
  after(() => world.cleanup());

  /** The warm ticket, made (as far as the launcher and Node can tell) from these two files. */
  function installTicket(config: string, credentials: string): void {
    const text = serializeTicket({
      ...warmTicket,
      config: fileStamp(config) ?? null,
      credentials: fileStamp(credentials) ?? null,
    });
    assert.ok(text);
    writeFileSync(ticketPath, text, { mode: 0o600 });
    chmodSync(ticketPath, 0o600);
  }

  function run(combination: Combination): { args: string[]; env: Record<string, string> } {
    const args = ['credential-process'];
    const extra: Record<string, string | undefined> = {
      AWS_PROFILE: undefined,
      AWS_CONFIG_FILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: undefined,
    };
    for (const kind of Object.keys(KINDS) as Kind[]) {
      const set = combination[kind];
      if (set.flag) args.push(KINDS[kind].flag, files[kind].flag);
      if (set.tfmfa) extra[KINDS[kind].tfmfa] = files[kind].tfmfa;
      if (set.aws) extra[KINDS[kind].aws] = files[kind].aws;
    }
    args.push('GEHC-056');
    return { args, env: cleanEnv({ ...world.box.env, ...extra }) };
  }

  test(
    'every combination of flag × TFMFA_* × AWS_*, for both files: the launcher serves the ticket of ' +
      'the files Node reads, byte for byte',
    () => {
      const checked: string[] = [];
      for (const combination of combinations()) {
        const { args, env } = run(combination);
        const what = `${args.join(' ')} with ${
          Object.keys(env)
            .filter((name) => /_FILE$/.test(name))
            .join(', ') || 'no file variable'
        }`;
        // The launcher: the one ticket binding it serves, of those for files named in the run, is the pair it reads.
        const named = (kind: Kind) => PLACES.filter((place) => place === 'home' || combination[kind][place]);
        const served: Array<{ config: Place; credentials: Place; out: string }> = [];
        for (const config of named('config')) {
          for (const credentials of named('credentials')) {
            installTicket(files.config[config], files.credentials[credentials]);
            const future = Date.now() / 1000 + 50;
            utimesSync(servePath, future, future);
            const out = execFileSync(launcher, args, { env, encoding: 'utf8' });
            if (out !== 'HANDED-OVER\n') served.push({ config, credentials, out });
          }
        }
        assert.equal(
          served.length,
          1,
          `${what}: the launcher serves exactly one binding ` +
            `(${served.map((s) => `${s.config}/${s.credentials}`).join(' ')})`,
        );
        const [chosen] = served as [{ config: Place; credentials: Place; out: string }];
        // Node, given that ticket: prints the same bytes and renews the launcher's stamp, which it does only for a
        // ticket made from the files it reads itself.
        installTicket(files.config[chosen.config], files.credentials[chosen.credentials]);
        rmSync(servePath, { force: true });
        const node = execFileSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8' });
        assert.equal(chosen.out, node, `${what}: byte for byte`);
        assert.ok(existsSync(servePath), `${what}: Node reads ${chosen.config}/${chosen.credentials} too`);
        // The rule itself: the command line, then TFMFA_*, then AWS_*, then ~/.aws.
        const expected = (set: Combination[Kind]): Place =>
          set.flag ? 'flag' : set.tfmfa ? 'tfmfa' : set.aws ? 'aws' : 'home';
        assert.deepEqual(
          [chosen.config, chosen.credentials],
          [expected(combination.config), expected(combination.credentials)],
          what,
        );
        checked.push(what);
      }
      assert.equal(checked.length, 64);
    },
  );

  test(
    "inside tfmfa exec, a credential_process naming another config file gets that file's " +
      'account, through the launcher and through Node',
    async () => {
      const other = join(world.box.dir, 'other-config');
      writeFileSync(
        other,
        `[profile GEHC-000]\nregion = us-west-2\n[profile GEHC-056]\nsource_profile = GEHC-000\nrole_arn ` +
          `= ${ROLE_C}\nmfa_serial = ${SERIAL}\n`,
      );
      const credentials = world.box.env.AWS_SHARED_CREDENTIALS_FILE as string;
      const cpLine = (command: string) =>
        `${command} credential-process --config-file ${other} --credentials-file ${credentials} GEHC-056`;
      // A launcher that hands over to the real Node entry (the trap), named tfmfa-launcher so that it serves.
      const servingDir = join(world.box.dir, 'serving');
      mkdirSync(servingDir);
      writeLauncher(join(servingDir, 'tfmfa-launcher'), world.trapEntry);
      world.box.writeConfig(
        `[profile via-launcher]\ncredential_process = ${cpLine(join(servingDir, 'tfmfa-launcher'))}\n[profile ` +
          `via-node]\ncredential_process = ${cpLine(`${process.execPath} ${CLI}`)}\n`,
      );
      // The session for the other file's role first: credential_process runs without a terminal.
      const warmOther = await world.box.tfmfa([
        'credential-process',
        '--mfa-token',
        world.freshCode(),
        '--config-file',
        other,
        'GEHC-056',
      ]);
      assert.equal(warmOther.exitCode, 0, warmOther.stderr);
      // `tfmfa exec GEHC-056` (account 111111111111) leaves a ticket for GEHC-056 made from ~/.aws/config.
      await world.warm();
      for (const profile of ['via-launcher', 'via-node']) {
        const result = await execa(
          process.execPath,
          [
            CLI,
            'exec',
            'GEHC-056',
            '--',
            AWS_CLI,
            'sts',
            'get-caller-identity',
            '--profile',
            profile,
            '--endpoint-url',
            world.box.emu.url,
            '--region',
            'us-east-1',
            '--output',
            'json',
          ],
          { env: world.box.env, extendEnv: false, reject: false, detached: true },
        );
        assert.equal(result.exitCode, 0, `${profile}: ${result.stderr}`);
        assert.equal(
          JSON.parse(result.stdout).Account,
          '333333333333',
          `${profile}: the other file's account, not the session's`,
        );
      }
    },
  );
});
