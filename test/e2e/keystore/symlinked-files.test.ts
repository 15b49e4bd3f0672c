// Issue 21.6: AWS files that are symlinks (a dotfiles checkout). `import` used to replace the link with a new
// file and report success while the plaintext keys stayed in the link's target. Now the target is edited
// where it is (atomically, in its own directory) and the link stays; what cannot be edited safely (a link to
// nothing, a file with other hard links) is refused in one line before anything is stored.
import assert from 'node:assert/strict';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { readKeyIndex } from '../../../src/keystore/key-index.ts';
import { createKeystoreSandbox, filesContaining } from './support.ts';

type Box = Awaited<ReturnType<typeof createKeystoreSandbox>>;

const OTHER =
  '[other]\naws_access_key_id = AKIAOTHER00000000000\naws_secret_access_key = ' +
  'otherotherotherotherotherotherotherother\n';

function oneLine(text: string): string {
  const lines = text.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `one line: ${text}`);
  return lines[0] as string;
}

describe('AWS files behind symlinks', () => {
  let box: Box;
  let dotfiles: string;
  let credentialsLink: string;
  let configLink: string;
  const index = () => readKeyIndex(join(box.configHome, 'tfmfa', 'keys.json'));

  let config: string;
  before(async () => {
    box = await createKeystoreSandbox();
    config = readFileSync(box.env.AWS_CONFIG_FILE as string, 'utf8');
  });
  after(() => box.cleanup());
  beforeEach(() => {
    dotfiles = join(box.dir, 'dotfiles');
    rmSync(dotfiles, { recursive: true, force: true });
    rmSync(join(box.configHome, 'tfmfa'), { recursive: true, force: true });
    mkdirSync(join(dotfiles, 'aws'), { recursive: true });
    credentialsLink = box.env.AWS_SHARED_CREDENTIALS_FILE as string;
    configLink = box.env.AWS_CONFIG_FILE as string;
    writeFileSync(
      join(dotfiles, 'aws', 'credentials'),
      `# my keys\n[GEHC-000]\naws_access_key_id = ${box.user.accessKeyId}\naws_secret_access_key ` +
        `= ${box.user.secretAccessKey}\n\n${OTHER}`,
      { mode: 0o640 },
    );
    writeFileSync(join(dotfiles, 'aws', 'config'), config);
    rmSync(credentialsLink, { force: true });
    rmSync(configLink, { force: true });
    rmSync(join(box.dir, 'aws-current'), { force: true });
    // Relative links, as a dotfiles manager makes them; the credentials one through a second link.
    symlinkSync('dotfiles/aws', join(box.dir, 'aws-current'));
    symlinkSync('../../aws-current/credentials', credentialsLink);
    symlinkSync('../../dotfiles/aws/config', configLink);
  });

  test(
    "import edits the file the link points to, keeps the link and the file's mode; no copy of " + 'the secret is left',
    async () => {
      const result = await box.tfmfa(['import', 'GEHC-000', '--yes']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.ok(lstatSync(credentialsLink).isSymbolicLink(), 'the link is still a link');
      assert.equal(readlinkSync(credentialsLink), '../../aws-current/credentials');
      const target = join(dotfiles, 'aws', 'credentials');
      assert.equal(
        readFileSync(target, 'utf8'),
        `# my keys\n\n${OTHER}`,
        'the key lines and the emptied [GEHC-000] are gone, all else kept',
      );
      assert.equal(statSync(target).mode & 0o777, 0o640);
      assert.deepEqual(filesContaining(box.dir, box.user.secretAccessKey), [], 'the secret is nowhere in plaintext');
      assert.deepEqual(
        readdirSync(join(dotfiles, 'aws')).filter((n) => n.endsWith('.tmp')),
        [],
      );
      assert.equal(index().get('GEHC-000')?.accessKeyId, box.user.accessKeyId);
    },
  );

  test('add writes [profile NAME] into the config file the link points to, keeping the link', async () => {
    const result = await box.tfmfa(['add', 'newcomer', '--env', '--no-verify'], {
      env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIANEWCOMER00000000', AWS_SECRET_ACCESS_KEY: 'n'.repeat(40) },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.ok(lstatSync(configLink).isSymbolicLink());
    assert.match(readFileSync(join(dotfiles, 'aws', 'config'), 'utf8'), /\n\[profile newcomer\]\n$/);
  });

  test('a link to nothing: one line naming the link and its target, nothing stored or created', async () => {
    rmSync(join(dotfiles, 'aws', 'config'));
    const result = await box.tfmfa(['add', 'newcomer', '--env', '--no-verify'], {
      env: { ...box.env, AWS_ACCESS_KEY_ID: 'AKIANEWCOMER00000000', AWS_SECRET_ACCESS_KEY: 'n'.repeat(40) },
    });
    assert.notEqual(result.exitCode, 0);
    assert.match(
      oneLine(result.stderr),
      /^tfmfa: .*config is a symlink to .*dotfiles\/aws\/config, which does not exist/,
    );
    assert.ok(lstatSync(configLink).isSymbolicLink(), 'the link is left alone');
    assert.equal(existsSync(join(dotfiles, 'aws', 'config')), false);
    assert.equal(index().size, 0, 'nothing stored');
  });

  test('a credentials file with another hard link: refused in one line before anything is stored', async () => {
    const target = join(dotfiles, 'aws', 'credentials');
    const backup = join(dotfiles, 'credentials.bak');
    linkSync(target, backup);
    const before = readFileSync(target, 'utf8');
    const result = await box.tfmfa(['import', 'GEHC-000', '--yes']);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.match(
      oneLine(result.stderr),
      /has 2 hard links: replacing it would leave the keys readable through the others/,
    );
    assert.equal(readFileSync(target, 'utf8'), before);
    assert.equal(index().size, 0, 'nothing stored');
  });
});
