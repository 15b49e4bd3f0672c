// Preloaded with --require: when the process exits, writes the built-in modules it loaded (process.moduleLoadList,
// one name a line) to RECORD_BUILTINS_LOG.<pid>.
const log = process.env.RECORD_BUILTINS_LOG;
if (log) {
  process.on('exit', () => {
    const names = process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice('NativeModule '.length));
    require('node:fs').writeFileSync(`${log}.${process.pid}`, `${names.join('\n')}\n`);
  });
}
