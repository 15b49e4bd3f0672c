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
    const pty = spawnInPty('/bin/sh', ['-c', `echo from-pipe | ${process.execPath} ${CLI} add erin > ${out} 2>&1`], { env: box.env });
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
    assert.deepEqual(await new FileBackend(join(box.configHome, 'tfmfa'), async () => passphrase).get('erin'), { accessKeyId: erin.accessKeyId, secretAccessKey: erin.secretAccessKey });
  });

  test('import asks first: "n" changes nothing; "y" (and the passphrase) moves the keys', async () => {
    const before = readFileSync(box.env.AWS_SHARED_CREDENTIALS_FILE as string, 'utf8');
    const no = spawnInPty(process.execPath, [CLI, 'import', 'GEHC-000'], { env: { ...box.env, TFMFA_FILE_PASSPHRASE: passphrase } });
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
