/**
 * `npm run demo`: tfmfa end to end on a machine with no AWS account. Starts the local STS emulator, writes a
 * throwaway AWS config (the seed's GEHC-000 → GEHC-056 profile pair) in a temp directory, and runs
 * `tfmfa exec GEHC-056 -- <who am I>` twice: the first run asks for the MFA code, the second is served from
 * the cached session. Nothing touches your ~/.aws.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, createSandbox, SERIAL } from '../test/support/sandbox.ts';

/** The SDK's STS client, for the stand-in `aws sts get-caller-identity` when the AWS CLI is missing. */
const STS_CLIENT = new URL('../node_modules/@aws-sdk/client-sts/dist-cjs/index.js', import.meta.url).pathname;

const AWS_CLI = '/usr/bin/aws';

function hasTerminal(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return process.stdin.isTTY === true;
  } catch {
    return false;
  }
}

const box = await createSandbox();
try {
  const interactive = hasTerminal();
  if (!interactive) {
    // No one to type the code: let the profile's mfa_process (aws-vault's key) fetch it from the emulator.
    box.writeConfig('');
    const config = join(box.home, '.aws', 'config');
    const text = readFileSync(config, 'utf8').replace(
      `[profile GEHC-056]\n`,
      `[profile GEHC-056]\nmfa_process = ${box.mfaProcess}\n`,
    );
    writeFileSync(config, text);
  }
  const whoAmI = existsSync(AWS_CLI)
    ? [AWS_CLI, 'sts', 'get-caller-identity', '--endpoint-url', box.emu.url, '--query', 'Arn', '--output', 'text']
    : [process.execPath, join(box.dir, 'whoami.mjs'), box.emu.url];
  if (!existsSync(AWS_CLI)) {
    writeFileSync(
      whoAmI[1] as string,
      `import { STSClient, GetCallerIdentityCommand } from ${JSON.stringify(STS_CLIENT)};
const out = await new STSClient({ endpoint: process.argv[2] }).send(new GetCallerIdentityCommand({}));
console.log(out.Arn);\n`,
    );
  }
  // Bold headings only on a terminal, and never with NO_COLOR set (https://no-color.org), which the child sees too.
  const bold = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const say = (text: string) => process.stdout.write(bold ? `\n\x1b[1m${text}\x1b[0m\n` : `\n${text}\n`);
  const childEnv = process.env.NO_COLOR ? { ...box.env, NO_COLOR: process.env.NO_COLOR } : box.env;
  say(`tfmfa demo — STS emulator at ${box.emu.url}, throwaway config in ${box.home}/.aws`);
  console.log(
    `  [profile GEHC-056]  source_profile = GEHC-000, role_arn = arn:aws:iam::111111111111:role/hc/hc-master,`,
  );
  console.log(`                      mfa_serial = ${SERIAL}, external_id = 111111111111`);
  // The emulator lives in this process: the child must run asynchronously so that it can be answered.
  const run = async (label: string) => {
    say(label);
    console.log(
      `$ tfmfa exec GEHC-056 -- ${whoAmI.map((w) => (w.startsWith('/') ? w.split('/').pop() : w)).join(' ')}`,
    );
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, 'exec', 'GEHC-056', '--', ...whoAmI], {
      env: childEnv,
      stdio: 'inherit',
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    console.log(`  (exit ${code}, ${Date.now() - started} ms)`);
    if (code !== 0) process.exitCode = 1;
  };
  if (interactive) {
    say(`Your demo MFA device (${SERIAL}) shows: ${box.emu.currentCode(SERIAL)}   ← type it at the prompt`);
  } else {
    say("No terminal here: the MFA code comes from the profile's mfa_process instead of a prompt.");
  }
  await run(
    `1. First run: ${interactive ? 'one MFA prompt' : 'one MFA code from mfa_process'}, then GetSessionToken + ` +
      `AssumeRole`,
  );
  await run(`2. Second run: the cached session answers, ${interactive ? 'no prompt' : 'no code needed'}, no STS call`);
  say(
    `STS calls made: GetSessionToken ${box.emu.count('GetSessionToken')}, ` +
      `AssumeRole ${box.emu.count('AssumeRole')} (the second run made none)`,
  );
} finally {
  await box.cleanup();
}
