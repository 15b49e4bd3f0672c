// The terminal prompts of the key store, in a real pseudo-terminal with stdin and stdout redirected: `add`
// asks for the key id, then the secret without echoing it; a new vault asks for its passphrase twice (not
// echoed); `import` asks before changing the credentials file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileBackend } from '../../../src/keystore/file-backend.ts';
import { spawnInPty } from '../../support/pty.ts';
import { CLI } from '../../support/sandbox.ts';
import { createKeystoreSandbox } from './support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;

describe('key store prompts on the terminal', () => {
  let box: Box;
  const passphrase = 'typed vault passphrase';
  before(async () => {
    box = await createKeystoreSandbox();
    delete box.env.TFMFA_FILE_PASSPHRASE;
  });
  after(() => box.cleanup());

  test('add: key id, secret (not echoed), new passphrase twice (not echoed); stdin and stdout are pipes', async () => {
    const erin = box.emu.addUser({ userName: 'erin', accountId: '222222222222' });
    const out = join(box.dir, 'add-out.txt');
    const pty = spawnInPty('/bin/sh', ['-c', `echo from-pipe | ${process.execPath} ${CLI} add erin > ${out} 2>&1`], {
      env: box.env,
    });
    await pty.waitFor("Access key id for profile 'erin':");
    pty.write(`${erin.accessKeyId}\r`);
    await pty.waitFor(`Secret access key for ${erin.accessKeyId} (not shown):`);
    pty.write(`${erin.secretAccessKey}\r`);
    await pty.waitFor('New passphrase for the tfmfa key vault');
    pty.write(`${passphrase}\r`);
    await pty.waitFor('The same passphrase again:');
    pty.write(`${passphrase}\r`);
    const status = await pty.exited;
    assert.equal(status.code, 0, readFileSync(out, 'utf8') + pty.output());
    assert.ok(pty.output().includes(erin.accessKeyId), 'the key id is echoed');
    assert.ok(!pty.output().includes(erin.secretAccessKey), 'the secret is not');
    assert.ok(!pty.output().includes(passphrase), 'nor the passphrase');
    assert.ok(!readFileSync(out, 'utf8').includes(erin.secretAccessKey));
    assert.deepEqual(await new FileBackend(join(box.configHome, 'tfmfa'), async () => passphrase).get('erin'), {
      accessKeyId: erin.accessKeyId,
      secretAccessKey: erin.secretAccessKey,
    });
  });

  test(
    'add PROFILE whose keys are in the credentials file: no question, one line naming tfmfa ' + 'import (issue 20.8)',
    async () => {
      const before = readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8');
      const pty = spawnInPty(process.execPath, [CLI, 'add', 'GEHC-000'], { env: box.env });
      const shown = await pty.waitFor(/tfmfa: |Access key id/);
      if (shown.includes('Access key id')) pty.kill();
      const status = await pty.exited;
      assert.equal(status.code, 2, pty.output());
      assert.ok(!pty.output().includes('Access key id'), `nothing asked: ${pty.output()}`);
      const lines = pty.output().split('\r\n').filter(Boolean);
      assert.equal(lines.length, 1, pty.output());
      assert.match(
        lines[0] as string,
        /^tfmfa: add: .*credentials already holds the keys of 'GEHC-000': run 'tfmfa import GEHC-000'/,
      );
      assert.equal(readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8'), before);
    },
  );

  test(
    'a wrong vault passphrase is asked again (three tries): the right one on the second try ' + 'works (issue 20.8)',
    async () => {
      const frank = { AWS_ACCESS_KEY_ID: 'AKIAFRANK0000000000A', AWS_SECRET_ACCESS_KEY: 'f'.repeat(40) };
      const pty = spawnInPty(process.execPath, [CLI, 'add', 'frank', '--env', '--no-verify'], {
        env: { ...box.env, ...frank },
      });
      await pty.waitFor('Passphrase of the tfmfa key vault');
      pty.write('not the passphrase\r');
      await pty.waitFor('Wrong passphrase (try 2 of 3).', 30_000);
      pty.write(`${passphrase}\r`);
      const status = await pty.exited;
      assert.equal(status.code, 0, pty.output());
      assert.match(pty.output(), /stored AKIAFRANK0000000000A for profile 'frank'/);
      assert.ok(
        !pty.output().includes(passphrase) && !pty.output().includes('not the passphrase'),
        'no passphrase echoed',
      );
      assert.deepEqual(await new FileBackend(join(box.configHome, 'tfmfa'), async () => passphrase).get('frank'), {
        accessKeyId: frank.AWS_ACCESS_KEY_ID,
        secretAccessKey: frank.AWS_SECRET_ACCESS_KEY,
      });
    },
  );

  test(
    'three wrong vault passphrases: one line, non-zero, nothing stored; an empty one cancels in ' +
      'plain words (issue 20.8)',
    async () => {
      const vaultFile = join(box.configHome, 'tfmfa', 'vault.json');
      const vault = readFileSync(vaultFile, 'utf8');
      const env = { ...box.env, AWS_ACCESS_KEY_ID: 'AKIAGRACE0000000000A', AWS_SECRET_ACCESS_KEY: 'g'.repeat(40) };
      const pty = spawnInPty(process.execPath, [CLI, 'add', 'grace', '--env', '--no-verify'], { env });
      await pty.waitFor('Passphrase of the tfmfa key vault');
      pty.write('wrong one\r');
      await pty.waitFor('Wrong passphrase (try 2 of 3).', 30_000);
      pty.write('wrong two\r');
      await pty.waitFor('Wrong passphrase (try 3 of 3).', 30_000);
      pty.write('wrong three\r');
      const status = await pty.exited;
      assert.equal(status.code, 1, pty.output());
      const after = pty.output().slice(pty.output().lastIndexOf('Wrong passphrase (try 3 of 3).'));
      const lines = after.split('\r\n').filter((line) => line.startsWith('tfmfa: '));
      assert.equal(lines.length, 1, pty.output());
      assert.match(lines[0] as string, /^tfmfa: cannot open the key vault .*vault\.json: /);
      assert.equal(readFileSync(vaultFile, 'utf8'), vault, 'nothing stored');

      const cancel = spawnInPty(process.execPath, [CLI, 'add', 'grace', '--env', '--no-verify'], { env });
      await cancel.waitFor('Passphrase of the tfmfa key vault');
      cancel.write('\r');
      assert.equal((await cancel.exited).code, 130);
      assert.match(cancel.output(), /tfmfa: cancelled: the vault passphrase was not given\r\n/);
      assert.doesNotMatch(cancel.output(), /no the vault passphrase/);
    },
  );

  test('a wrong TFMFA_FILE_PASSPHRASE is not retried: one line at once, nothing asked', async () => {
    const pty = spawnInPty(process.execPath, [CLI, 'add', 'grace', '--env', '--no-verify'], {
      env: {
        ...box.env,
        TFMFA_FILE_PASSPHRASE: 'wrong from env',
        AWS_ACCESS_KEY_ID: 'AKIAGRACE0000000000A',
        AWS_SECRET_ACCESS_KEY: 'g'.repeat(40),
      },
    });
    const status = await pty.exited;
    assert.equal(status.code, 1, pty.output());
    assert.ok(!pty.output().includes('Passphrase of'), pty.output());
    assert.match(pty.output(), /^tfmfa: cannot open the key vault .*check TFMFA_FILE_PASSPHRASE/);
  });

  test('import asks first: "n" changes nothing; "y" (and the passphrase) moves the keys', async () => {
    const before = readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8');
    const no = spawnInPty(process.execPath, [CLI, 'import', 'GEHC-000'], {
      env: { ...box.env, TFMFA_FILE_PASSPHRASE: passphrase },
    });
    await no.waitFor(/store the keys of 'GEHC-000' in the encrypted file .* Continue\? \[y\/N\]/);
    no.write('n\r');
    assert.equal((await no.exited).code, 1);
    assert.match(no.output(), /import cancelled: nothing was changed/);
    assert.equal(readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8'), before);

    const yes = spawnInPty(process.execPath, [CLI, 'import', 'GEHC-000'], { env: box.env });
    await yes.waitFor('Continue? [y/N]');
    yes.write('y\r');
    await yes.waitFor('Passphrase of the tfmfa key vault');
    yes.write(`${passphrase}\r`);
    assert.equal((await yes.exited).code, 0, yes.output());
    assert.ok(!readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8').includes(box.user.secretAccessKey));
    assert.ok(!yes.output().includes(passphrase));
  });
});
