/**
 * `npm run build` step 1: bundles tfmfa with esbuild into dist/, so that a start loads what its path needs
 * in as few files as possible:
 *
 *   dist/cli.js          src/cli.ts alone (the dispatcher: command mode and shim mode)
 *   dist/hot.js          every module cli.ts reaches by static imports (the shim's marker and pass-through
 *                        paths) and the shim's ticket path (HOT_ROOTS). A shim with a session in its
 *                        environment, or with a valid ticket, loads these two files and nothing else.
 *   dist/cold-*.js       each module the hot path loads with import() (the command table, the ticket lookup,
 *                        the full resolution...), with what they share in dist/chunk-*.js; they import the
 *                        hot modules from hot.js, so no module exists twice (one UserError class, one state)
 *   dist/vendor-*.js     each package src/ loads with import() (the AWS SDK, execa, prompts, proper-lockfile),
 *                        with what they share in dist/vendor-chunk-*.js (lazy-imports.test.ts watches them)
 *
 * Node's built-in modules are reached through process.getBuiltinModule() inside the bundle: an ES module
 * bundle hoists every `import … from 'node:…'` to its top, which would load zlib, http, child_process... at
 * every start for code that never runs.
 *
 * Layout contract: every output file sits directly in dist/, so the bundled code's `import.meta.url` is
 * dist/: ./cli.js (entry-point.ts), ../package.json (version.ts) and ./launcher.sh (render.ts, copied
 * there by build-launcher.ts) resolve as they did from the per-file tsc output.
 *
 * Source maps (dist/*.js.map, paths to src/ and node_modules/, no sources inlined) let stack traces point
 * at src/: the stack TFMFA_DEBUG prints is mapped through them (src/output/source-mapped-stack.ts), and Node
 * applies them itself under --enable-source-maps.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type BuildResult, type Metafile, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const COMMON: BuildOptions = {
  outdir: dist,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.15',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // CommonJS packages (which, proper-lockfile, prompts...) call require() for Node's built-ins: give each file one.
  banner: { js: "import { createRequire as __tfmfaCreateRequire } from 'node:module'; const require = __tfmfaCreateRequire(import.meta.url);" },
};

/** `@aws-sdk/client-sts` → `vendor-aws-sdk-client-sts`. */
function vendorName(specifier: string): string {
  return `vendor-${specifier.replace(/^@/, '').replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

/** `<root>/src/commands/index.ts` → `cold-commands-index`. */
function coldName(file: string): string {
  return `cold-${file.slice(join(root, 'src').length + 1).replace(/\.ts$/, '').replace(/[^A-Za-z0-9.-]+/g, '-')}`;
}

/** A relative import's file (src/ imports name their files with the .ts extension). */
function importedFile(args: { path: string; resolveDir: string }): string | undefined {
  return args.path.startsWith('.') ? resolve(args.resolveDir, args.path) : undefined;
}

/** Imports of the hot modules become imports of dist/hot.js (which exports all their names). */
function hotModules(hot: ReadonlySet<string>): Plugin {
  return {
    name: 'hot-modules',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const file = importedFile(args);
        return file && hot.has(file) ? { path: './hot.js', external: true } : undefined;
      });
    },
  };
}

/** The hot files' `import()` of one of tfmfa's own modules becomes `import('./cold-<module>.js')`, recorded in `found`. */
function coldModules(hot: ReadonlySet<string>, found: Set<string>): Plugin {
  return {
    name: 'cold-modules',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const file = importedFile(args);
        if (args.kind !== 'dynamic-import' || !file || hot.has(file)) return undefined;
        found.add(file);
        return { path: `./${coldName(file)}.js`, external: true };
      });
    },
  };
}

/**
 * A built-in's exports that can be read without loading another built-in module. The others are left out: `export
 * const { … } = m` reads every export when the chunk loads, and some are lazy (fs.promises and fs.ReadStream load
 * the promise file API and streams; http.WebSocket the fetch client with tls, http2 and zlib; util.setTraceSigInt
 * worker_threads). Code that needs one reads it from the default export (a named import of it fails the build).
 * Found in fresh Node processes, one export at a time: a process stops at the first export whose reading loads a
 * public built-in (internal ones, such as parseArgs' own, are cheap), and the next one starts without it. Not in
 * this process: here, importing a built-in has already read all its exports.
 */
const eagerExportsOf = new Map<string, string[]>();

function eagerExports(id: string): string[] {
  const known = eagerExportsOf.get(id);
  if (known) return known;
  const script = `const m = process.getBuiltinModule(${id}); const skip = JSON.parse(process.env.SKIP);
    for (const key of Object.keys(m)) {
      if (skip.includes(key)) continue;
      const loaded = process.moduleLoadList.length;
      void m[key];
      if (process.moduleLoadList.slice(loaded).some((entry) => /^NativeModule (?!internal\\/)/.test(entry))) { process.stdout.write(JSON.stringify({ lazy: key })); process.exit(0); }
    }
    process.stdout.write(JSON.stringify({ keys: Object.keys(m) }));`;
  const lazy: string[] = [];
  for (;;) {
    const found = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, SKIP: JSON.stringify(lazy) } })) as { lazy?: string; keys?: string[] };
    if (found.lazy !== undefined) {
      lazy.push(found.lazy);
      continue;
    }
    const keys = (found.keys ?? []).filter((key) => !lazy.includes(key) && key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
    eagerExportsOf.set(id, keys);
    return keys;
  }
}

/**
 * Node's built-in modules as bundled modules that take them from `process.getBuiltinModule()`, loaded when
 * the code needing them runs (see the top of this file).
 */
function lazyBuiltins(): Plugin {
  const names = new Set(builtinModules);
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!names.has(name) || args.kind === 'require-call') return undefined;
        return { path: name, namespace: 'builtin' };
      });
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, async (args) => {
        const id = JSON.stringify(`node:${args.path}`);
        const exported = eagerExports(id);
        return { contents: `const m = process.getBuiltinModule(${id});\nexport default m;\nexport const { ${exported.join(', ')} } = m;\n`, loader: 'js' };
      });
    },
  };
}

/**
 * Packages with a native addon (a prebuilt .node binary chosen at run time by platform): not bundled; the
 * dynamic import stays a bare specifier, resolved from node_modules when the key store first needs it.
 */
const NATIVE_PACKAGES = new Set(['@napi-rs/keyring']);

/** `import('<package>')` becomes `import('./vendor-<package>.js')`, and is recorded. */
function lazyPackages(found: Set<string>): Plugin {
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
        if (NATIVE_PACKAGES.has(args.path)) return { path: args.path, external: true };
        found.add(args.path);
        return { path: `./${vendorName(args.path)}.js`, external: true };
      });
    },
  };
}

/** Whether esbuild bundles `specifier` from ES module sources (`type: module`, or a `module` field it prefers). */
function isEsmPackage(specifier: string): boolean {
  let dir = dirname(createRequire(join(root, 'package.json')).resolve(specifier));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; type?: string; module?: string };
      if (pkg.name === specifier) return pkg.type === 'module' || typeof pkg.module === 'string';
    }
    if (dirname(dir) === dir) throw new Error(`bundle: cannot find the package.json of ${specifier}`);
    dir = dirname(dir);
  }
}

/**
 * The vendor build's entries: one module per package re-exporting all of it: `export *` for ES modules (esbuild knows
 * their names), else the names Node's CommonJS interop gives an `import()` of it, `default` included.
 */
function vendorEntries(): Plugin {
  return {
    name: 'vendor-entries',
    setup(b) {
      b.onResolve({ filter: /^vendor-entry:/ }, (args) => ({ path: args.path.slice('vendor-entry:'.length), namespace: 'vendor-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'vendor-entry' }, async (args) => {
        const from = JSON.stringify(args.path);
        if (isEsmPackage(args.path)) return { contents: `export * from ${from};\n`, resolveDir: root, loader: 'js' };
        const names = Object.keys(await import(args.path)).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
        return { contents: `export { ${names.join(', ')} } from ${from};\n`, resolveDir: root, loader: 'js' };
      });
    },
  };
}

function outputsOutsideDist(metafile: Metafile): string[] {
  return Object.keys(metafile.outputs).filter((file) => dirname(resolve(root, file)) !== dist);
}

/**
 * The hot layer: the modules src/cli.ts reaches by static imports (itself excluded), and those of the shim's
 * ticket path (src/shim/ticket-lookup.ts, imported lazily by run.ts: a hot path too, but one the marker
 * path does not run).
 */
const HOT_ROOTS = [join(root, 'src', 'cli.ts'), join(root, 'src', 'shim', 'ticket-lookup.ts')];

async function hotModuleFiles(entry: string): Promise<Set<string>> {
  const external: Plugin = { name: 'no-lazy', setup: (b) => b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined)) };
  const { metafile } = await build({ ...COMMON, entryPoints: HOT_ROOTS, outdir: join(dist, 'hot-graph'), write: false, sourcemap: false, plugins: [lazyBuiltins(), external] });
  const inputs = Object.values(metafile?.outputs ?? {}).flatMap((output) => Object.keys(output.inputs)).map((file) => resolve(root, file));
  return new Set(inputs.filter((file) => file !== entry && file.startsWith(join(root, 'src') + '/')));
}

/** hot.js's entry: re-exports every name of every hot module; two modules exporting one name fail the build. */
async function hotEntry(hot: ReadonlySet<string>): Promise<string> {
  const { metafile } = await build({ entryPoints: [...hot], outdir: join(dist, 'exports'), bundle: false, format: 'esm', write: false, metafile: true, logLevel: 'warning' });
  const owner = new Map<string, string>();
  const lines: string[] = [];
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const file = resolve(root, output.entryPoint);
    for (const name of output.exports) {
      if (owner.has(name)) throw new Error(`bundle: ${name} is exported by both ${owner.get(name)} and ${file}: hot.js needs one name per export; rename one`);
      owner.set(name, file);
    }
    if (output.exports.length) lines.push(`export { ${output.exports.join(', ')} } from ${JSON.stringify(file)};`);
  }
  return lines.join('\n');
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const cliEntry = join(root, 'src', 'cli.ts');
const hot = await hotModuleFiles(cliEntry);
const cold = new Set<string>();
const lazy = new Set<string>();
const builds: BuildResult[] = [
  await build({ ...COMMON, entryPoints: { cli: cliEntry }, plugins: [lazyBuiltins(), hotModules(hot), coldModules(hot, cold), lazyPackages(lazy)] }),
  await build({ ...COMMON, stdin: { contents: await hotEntry(hot), resolveDir: root, sourcefile: 'hot-entry.js' }, outfile: join(dist, 'hot.js'), outdir: undefined, plugins: [lazyBuiltins(), coldModules(hot, cold), lazyPackages(lazy)] }),
];
builds.push(await build({
  ...COMMON,
  entryPoints: Object.fromEntries([...cold].map((file) => [coldName(file), file])),
  splitting: true,
  chunkNames: 'chunk-[hash]',
  plugins: [lazyBuiltins(), hotModules(hot), lazyPackages(lazy)],
}));
builds.push(await build({
  ...COMMON,
  entryPoints: Object.fromEntries([...lazy].map((specifier) => [vendorName(specifier), `vendor-entry:${specifier}`])),
  splitting: true,
  chunkNames: 'vendor-chunk-[hash]',
  mainFields: ['module', 'main'],
  plugins: [vendorEntries()],
}));

const misplaced = builds.flatMap(({ metafile }) => (metafile ? outputsOutsideDist(metafile) : ['(no metafile)']));
if (misplaced.length) throw new Error(`bundle: every output must sit directly in dist/ (import.meta.url contract): ${misplaced.join(', ')}`);
chmodSync(join(dist, 'cli.js'), 0o755);
const files = builds.flatMap(({ metafile }) => Object.keys(metafile?.outputs ?? {})).filter((file) => file.endsWith('.js'));
process.stdout.write(`bundle: dist/cli.js + hot.js (${hot.size} modules), ${files.length - 2} lazily loaded files (${cold.size} cold entries; packages ${[...lazy].sort().join(', ')})\n`);
