// Issue 11: a ticket is used only for exactly what it was made from (the AWS files' identity, the profile
// name), and the launcher trusts nothing Node would refuse (numbers, modes, files it creates). Each test runs
// the real launcher (test/support/shim-world.ts counts its hand-overs to Node) and Node's shim.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LAUNCHER_TRUST_SECONDS } from '../../src/store/ticket-format.ts';
import { ROLE_ARN, ROLE_B, SERIAL } from '../support/sandbox.ts';
import { createShimWorld, type ShimWorld } from '../support/shim-world.ts';

describe('ticket fidelity', () => {
  let world: ShimWorld;
  let tickets: string;
  const ticket = (profile = 'GEHC-056') => join(tickets, `${profile}.ticket`);
  const stamp = (profile = 'GEHC-056') => join(tickets, `${profile}.deadline`);
  const setStamp = (seconds: number, profile = 'GEHC-056') => utimesSync(stamp(profile), seconds, seconds);
  const now = () => Date.now() / 1000;

  /** Runs terraform through the launcher; how many times it handed over to Node, and what the tool saw. */
  const launch = async (
    env: Record<string, string | undefined> = {},
    options: { cwd?: string; shell?: string[] } = {},
  ) => {
    const before = world.fallbacks();
    const result = await world.run('launcher', 'terraform', ['plan'], {
      env: { AWS_PROFILE: 'GEHC-056', ...env },
      ...options,
    });
    return { ...result, handedOver: world.fallbacks() - before, seen: world.last('terraform').env };
  };
  const viaNode = async (env: Record<string, string | undefined> = {}, cwd?: string) => {
    const result = await world.run('node', 'terraform', ['plan'], {
      env: { AWS_PROFILE: 'GEHC-056', TFMFA_DEBUG: '1', ...env },
      ...(cwd ? { cwd } : {}),
    });
    return { ...result, hit: /ticket hit/.test(result.stderr), seen: world.last('terraform').env };
  };

  before(async () => {
    world = await createShimWorld({
      extraConfig: () =>
        `[profile gehc-056]\nsource_profile = GEHC-000\nrole_arn = ${ROLE_B}\nmfa_serial = ${SERIAL}\n`,
    });
    tickets = join(world.box.cacheDir, 'tickets');
    await world.warm();
  });
  after(() => world.cleanup());

  test(
    'a relative AWS_CONFIG_FILE: a ticket made in one project is never used in another ' + '(launcher and Node)',
    async () => {
      const config = readFileSync(world.box.env.AWS_CONFIG_FILE as string, 'utf8');
      const a = join(world.box.dir, 'project-a');
      const b = join(world.box.dir, 'project-b');
      mkdirSync(a);
      mkdirSync(b);
      writeFileSync(join(a, 'aws-config'), config);
      // B's GEHC-056 is another role (another account, in real life): the same profile name, other credentials.
      writeFileSync(
        join(b, 'aws-config'),
        config.replace(
          `role_arn = ${ROLE_ARN}\nmfa_serial = ${SERIAL}\nexternal_id = 111111111111`,
          `role_arn = ${ROLE_B}\nmfa_serial = ${SERIAL}`,
        ),
      );
      const env = (dir: string) => ({ AWS_CONFIG_FILE: 'aws-config', PWD: dir, TFMFA_OVERLAY: '0' });

      await launch(env(a), { cwd: a });
      const inA = await launch(env(a), { cwd: a });
      assert.equal(inA.handedOver, 0, `A's ticket serves A: ${inA.stderr}`);
      const keyA = inA.seen.AWS_ACCESS_KEY_ID;
      assert.match(keyA ?? '', /^ASIA/);

      const inB = await launch(env(b), { cwd: b });
      assert.equal(inB.exitCode, 0, inB.stderr);
      assert.equal(inB.handedOver, 1, 'the launcher in B hands over to Node');
      assert.notEqual(inB.seen.AWS_ACCESS_KEY_ID, keyA, "B's command never runs with A's credentials");
      const keyB = inB.seen.AWS_ACCESS_KEY_ID;

      // Node's own ticket reader: the ticket now is B's; in A it must not be used.
      const nodeA = await viaNode(env(a), a);
      assert.equal(nodeA.hit, false, "Node does not take B's ticket in A");
      assert.equal(nodeA.seen.AWS_ACCESS_KEY_ID, keyA);
      const nodeB = await viaNode(env(b), b);
      assert.equal(nodeB.hit, false, "nor A's in B");
      assert.equal(nodeB.seen.AWS_ACCESS_KEY_ID, keyB);
    },
  );

  test("Node compares the file's identity (device, inode, size, mtime), not only its path", async () => {
    await viaNode();
    assert.equal((await viaNode()).hit, true);
    const text = readFileSync(ticket(), 'utf8');
    writeFileSync(
      ticket(),
      text.replace(/^config_id (\d+):(\d+)/m, (_, dev: string, ino: string) => `config_id ${dev}:${BigInt(ino) + 1n}`),
      { mode: 0o600 },
    );
    assert.equal((await viaNode()).hit, false, 'another inode: not this file');
  });

  test(
    'a case-insensitive disk (Prod and prod share one ticket file): the name inside the ' + 'ticket decides',
    async () => {
      await viaNode();
      const key = world.last('terraform').env.AWS_ACCESS_KEY_ID;
      // Hard links are what a case-insensitive lookup gives: gehc-056.ticket is GEHC-056's file.
      for (const path of [ticket('gehc-056'), stamp('gehc-056')]) rmSync(path, { force: true });
      linkSync(ticket(), ticket('gehc-056'));
      linkSync(stamp(), stamp('gehc-056'));
      const node = await viaNode({ AWS_PROFILE: 'gehc-056' });
      assert.equal(node.hit, false, "Node does not take GEHC-056's ticket for gehc-056");
      for (const path of [ticket('gehc-056'), stamp('gehc-056')]) rmSync(path, { force: true });
      linkSync(ticket(), ticket('gehc-056'));
      linkSync(stamp(), stamp('gehc-056'));
      const launcher = await launch({ AWS_PROFILE: 'gehc-056' });
      assert.equal(launcher.handedOver, 1, 'the launcher hands over');
      assert.notEqual(launcher.seen.AWS_ACCESS_KEY_ID, key, "gehc-056 never gets GEHC-056's credentials");
      assert.equal(launcher.seen.TFMFA_PROFILE, 'gehc-056');
    },
  );

  describe('numbers: one strict decimal reading', () => {
    const withLines = (lines: string) => {
      const text = readFileSync(ticket(), 'utf8').replace(/\nend\n$/, `\n${lines}\nend\n`);
      writeFileSync(ticket(), text, { mode: 0o600 });
      setStamp(now() + 30);
    };
    test('a count written 010 (10 to validate, 8 to apply) can never smuggle LD_PRELOAD in', async () => {
      await viaNode();
      withLines('set AWS_X 010\n1\n2\n3\n4\n5\n6\n7\n8\nset LD_PRELOAD 1\n/nonexistent/evil.so');
      const result = await launch();
      assert.equal(result.seen.LD_PRELOAD, undefined);
      assert.equal(result.seen.AWS_X, undefined);
      assert.equal(result.handedOver, 1, 'a malformed ticket goes to Node');
    });
    test('a count written 08 goes to Node (it used to exit 2 with no message)', async () => {
      await viaNode();
      withLines('set AWS_X 08\n1\n2\n3\n4\n5\n6\n7\n8');
      const result = await launch();
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(result.handedOver, 1);
      assert.match(result.seen.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
    });
  });

  describe('modes the launcher cannot see', () => {
    test(
      `it trusts them only as Node last checked them: the stamp Node sets is at ` +
        `most ${LAUNCHER_TRUST_SECONDS} s ahead`,
      async () => {
        setStamp(now() - 1);
        const expired = await launch();
        assert.equal(expired.handedOver, 1, 'an expired stamp goes to Node');
        const renewed = statSync(stamp()).mtimeMs / 1000;
        assert.ok(
          renewed > now() && renewed <= now() + LAUNCHER_TRUST_SECONDS + 1,
          `renewed to ${renewed - now()} s ahead`,
        );
        assert.equal((await launch()).handedOver, 0, 'fast again after Node checked');
        rmSync(ticket());
        await viaNode();
        const written = statSync(stamp()).mtimeMs / 1000;
        assert.ok(written <= now() + LAUNCHER_TRUST_SECONDS + 1, `a new ticket's stamp is ${written - now()} s ahead`);
      },
    );

    for (const [what, path, mode] of [
      ['the cache directory', () => world.box.cacheDir, 0o755],
      ['the tickets directory', () => tickets, 0o777],
      ['the ticket', () => ticket(), 0o644],
    ] as const) {
      test(
        `${what} opened to others (${mode.toString(8)}): once Node's check is due, the launcher ` +
          `hands over and Node refuses it`,
        async () => {
          await viaNode();
          chmodSync(path(), mode);
          try {
            setStamp(now() - 1); // what LAUNCHER_TRUST_SECONDS later looks like
            const result = await launch();
            assert.equal(result.handedOver, 1, 'handed over');
            assert.match(result.seen.AWS_ACCESS_KEY_ID ?? '', /^ASIA/);
            if (mode !== 0o644)
              assert.match(
                result.stderr,
                new RegExp(`open to other users \\(mode ${mode.toString(8)}\\): run 'chmod 700 `),
                'Node says what to fix',
              );
            if (mode === 0o644) {
              // Node replaced it with a private ticket: fast again.
              assert.equal(statSync(ticket()).mode & 0o777, 0o600);
              assert.equal((await launch()).handedOver, 0);
            } else {
              assert.ok(statSync(stamp()).mtimeMs <= Date.now(), 'Node did not renew the trust');
              assert.equal((await launch()).handedOver, 1, 'and never will while it is open');
            }
          } finally {
            chmodSync(path(), mode === 0o644 ? 0o600 : 0o700);
          }
        },
      );
    }
  });

  test('files the launcher touches keep mode 0600 whatever the umask (it never creates one)', async () => {
    const clock = join(tickets, '.clock');
    rmSync(clock, { force: true });
    const umask022 = ['/bin/sh', '-c', 'umask 022; exec "$0" "$@"'];
    const first = await launch({}, { shell: umask022 });
    assert.equal(first.exitCode, 0, first.stderr);
    assert.ok(
      !existsSync(clock) || (statSync(clock).mode & 0o777) === 0o600,
      `.clock is ${existsSync(clock) ? (statSync(clock).mode & 0o777).toString(8) : 'absent'}`,
    );
    const second = await launch({}, { shell: umask022 });
    assert.equal(second.handedOver, 0, 'fast once Node made the clock');
    assert.equal(statSync(clock).mode & 0o777, 0o600);
    const doctor = await world.box.tfmfa(['doctor'], { env: { ...world.box.env, AWS_PROFILE: 'GEHC-056' } });
    assert.doesNotMatch(String(doctor.stdout) + String(doctor.stderr), /\.clock/);
  });
});
