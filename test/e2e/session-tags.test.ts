// aws-vault's AssumeRole extensions, as a migrating user's config has them: session_tags, transitive_session_tags
// and source_identity reach STS (the emulator checks and keeps them as STS does), chained roles inherit the
// transitive tags and the source identity, and a profile with tags never shares a cached session with one without.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSandbox, ROLE_B, ROLE_C, SERIAL, type Sandbox } from '../support/sandbox.ts';

const PRINT_KEY = ['--', process.execPath, '-e', 'process.stdout.write(process.env.AWS_ACCESS_KEY_ID)'];

describe('session_tags, transitive_session_tags, source_identity', () => {
  let box: Sandbox;
  before(async () => {
    box = await createSandbox({
      extraConfig: `[profile tagged]
source_profile = GEHC-000
role_arn = ${ROLE_B}
mfa_serial = ${SERIAL}
session_tags = team=platform, cost-center = 42
transitive_session_tags = team
source_identity = alice
[profile tagged-chain]
source_profile = tagged
role_arn = ${ROLE_C}
[profile bad-tags]
source_profile = GEHC-000
role_arn = ${ROLE_B}
session_tags = team
`,
    });
  });
  after(() => box.cleanup());

  test('they reach AssumeRole, and chained sessions carry the transitive tags and the source identity', async () => {
    const tagged = await box.tfmfa(['exec', 'tagged', '--mfa-token', box.emu.currentCode(SERIAL), ...PRINT_KEY]);
    assert.equal(tagged.exitCode, 0, tagged.stderr);
    assert.deepEqual(box.emu.sessionAttributes(tagged.stdout), {
      tags: { team: 'platform', 'cost-center': '42' },
      transitiveTagKeys: ['team'],
      sourceIdentity: 'alice',
    });
    const call = box.emu
      .calls()
      .filter((c) => c.action === 'AssumeRole')
      .at(-1);
    assert.equal(call?.params['Tags.member.1.Key'], 'team');
    assert.equal(call?.params['Tags.member.2.Value'], '42');
    assert.equal(call?.params['TransitiveTagKeys.member.1'], 'team');
    assert.equal(call?.params.SourceIdentity, 'alice');

    const chained = await box.tfmfa(['exec', 'tagged-chain', ...PRINT_KEY]);
    assert.equal(chained.exitCode, 0, chained.stderr);
    assert.deepEqual(box.emu.sessionAttributes(chained.stdout), {
      tags: { team: 'platform' },
      transitiveTagKeys: ['team'],
      sourceIdentity: 'alice',
    });
    assert.equal(
      box.emu
        .calls()
        .filter((c) => c.action === 'AssumeRole')
        .at(-1)?.params.RoleArn,
      ROLE_C,
    );
  });

  test('the same role without tags gets its own session, not the tagged one from the cache', async () => {
    const tagged = await box.tfmfa(['exec', 'tagged', ...PRINT_KEY]);
    const plain = await box.tfmfa(['exec', 'team-b', ...PRINT_KEY]);
    assert.equal(tagged.exitCode, 0, tagged.stderr);
    assert.equal(plain.exitCode, 0, plain.stderr);
    assert.notEqual(plain.stdout, tagged.stdout);
    assert.deepEqual(box.emu.sessionAttributes(plain.stdout), {
      tags: {},
      transitiveTagKeys: [],
      sourceIdentity: null,
    });
  });

  test('a malformed session_tags is a one-line error naming the profile and the form', async () => {
    const result = await box.tfmfa(['exec', 'bad-tags', ...PRINT_KEY]);
    assert.equal(result.exitCode, 2);
    assert.equal(
      result.stderr,
      "tfmfa: profile 'bad-tags': session_tags has 'team', not key=value (the form is " +
        'key1=value1,key2=value2); fix it in your AWS config',
    );
  });
});
