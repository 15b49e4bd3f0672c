// Preloaded with --import: appends every module URL whose path names a package in RECORD_IMPORTS_MATCH
// to the file RECORD_IMPORTS_LOG, synchronously (the process may be replaced by execve at any moment).
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const log = process.env.RECORD_IMPORTS_LOG;
const match = new RegExp(process.env.RECORD_IMPORTS_MATCH ?? '@aws-sdk');
if (log) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      if (match.test(result.url)) appendFileSync(log, `${process.pid} ${result.url}\n`);
      return result;
    },
  });
}
