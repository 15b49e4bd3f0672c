// Usage: node test/support/totp-code.ts <emulatorUrl> <serial> [counterFile]
// Prints the emulator's current TOTP code for <serial> (plus a newline). With counterFile,
// appends one line to it first (O_APPEND, so concurrent invocations can be counted).
// Meant as an `mfa_process` for tfmfa under test.

import { appendFileSync } from 'node:fs';
import { get } from 'node:http';

const [emulatorUrl, serial, counterFile] = process.argv.slice(2);
if (!emulatorUrl || !serial) {
  process.stderr.write('usage: totp-code.ts <emulatorUrl> <serial> [counterFile]\n');
  process.exit(2);
}
if (counterFile) appendFileSync(counterFile, `${process.pid}\n`, { flag: 'a' });

const url = new URL('/__emulator/code', emulatorUrl);
url.searchParams.set('serial', serial);
get(url, (res) => {
  let text = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => (text += chunk));
  res.on('end', () => {
    if (res.statusCode !== 200) {
      process.stderr.write(`totp-code: HTTP ${res.statusCode}: ${text.trim()}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${text.trim()}\n`);
  });
}).on('error', (err) => {
  process.stderr.write(`totp-code: ${err.message}\n`);
  process.exitCode = 1;
});
