// Runs argv[2..] through replace-process's spawn fallback (what tfmfa does where execve is missing).
import { spawnAndMirror } from '../../src/launch/replace-process.ts';

const [file, ...args] = process.argv.slice(2);
process.stdout.write(`RUNNER ${process.pid}\n`);
await spawnAndMirror(file as string, [file as string, ...args], process.env as Record<string, string>);
