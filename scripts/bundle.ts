/**
 * `npm run build` step 1: bundles tfmfa with esbuild into dist/, ES modules, so that a start loads what its path
 * needs in as few files as possible:
 *
 *   dist/cli.js          src/cli.ts alone (the dispatcher: command mode and shim mode)
 *   dist/hot.js          every module cli.ts reaches by static imports (the shim's marker and pass-through
 *                        paths) and the shim's ticket path (HOT_ROOTS). A shim with a session in its
 *                        environment, or with a valid ticket, loads these two files and nothing else.
 *   dist/cold.mjs        every module the hot path loads with import() (the command table, the full
 *                        resolution, server mode...) and all they reach, in one file that imports the hot
 *                        modules from hot.js, so no module exists twice (one UserError class, one state).
 *                        Inside it, a module reached only by import() (each command) is initialized when first
 *                        imported. hot.js and cold.mjs re-export every name of their modules, so two of them
 *                        must not export the same name (the build says which). The rarely run commands are not
 *                        in it (below): cold.mjs also exports the names of its modules that they import.
 *   dist/command-*.mjs   each rarely run command (RARE_COMMANDS: add, completion, doctor, import, login, remove,
 *                        rotate, shim) and what only they reach, shared in dist/command-chunk-*.mjs (esbuild's
 *                        code splitting), importing the hot and cold modules from hot.js and cold.mjs. So that
 *                        the default paths do not compile them: cold.mjs is 255 KB instead of 436 KB.
 *   dist/vendor-*.mjs    each package src/ loads with import() (the AWS SDK, execa, proper-lockfile...), with
 *                        what they share in dist/vendor-chunk-*.mjs (lazy-imports.test.ts watches them)
 *
 * Node's built-in modules are reached through process.getBuiltinModule() inside the bundle (lazyBuiltins): a
 * bundle hoists every `import … from 'node:…'` to its top, and Node's ES module facade of a built-in reads every
 * export, so a start would load fs/promises, readline, crypto, child_process, undici... for code that never runs.
 *
 * What each of these pays, measured side by side on the Node paths users take by default (`npm run bench --
 * --against DIR`, docs/benchmarks.md): the hot/cold split against one file of all of tfmfa (475 KB to compile
 * at every start) and against esbuild's own code splitting (12 to 22 chunk files on the shim's paths); the
 * built-ins on first use against plain imports (export, list, a cold exec and server mode 18 to 30 ms slower
 * without); the rare commands' own files against keeping them in cold.mjs (see docs/benchmarks.md). What paid
 * nothing went (issue 22.5): a CommonJS start layer, per-export probing of built-ins in
 * fresh processes, and process.getBuiltinModule() calls in src/ (the bundle does it). The compile cache went in
 * issue 21 (another user could have swapped what it ran).
 *
 * Layout contract: every output file sits directly in dist/, so the bundled code's `import.meta.url` is
 * dist/: ./cli.js (entry-point.ts), ../package.json (version.ts) and ./launcher.sh (render.ts, copied
 * there by build-launcher.ts) resolve as they did from the per-file tsc output.
 *
 * Source maps (dist/*.js.map and *.mjs.map, paths to src/ and node_modules/, no sources inlined) let stack traces
 * point at src/: the stack TFMFA_DEBUG prints is mapped through them (src/output/source-mapped-stack.ts), and
 * Node applies them itself under --enable-source-maps.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type BuildResult, type Metafile, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

const SHARED: BuildOptions = {
  outdir: dist,
  bundle: true,
  platform: 'node',
  target: 'node22.15',
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

/** Every file is an ES module (the package's "type"): cli.js and hot.js, the start files. */
const ESM: BuildOptions = { ...SHARED, format: 'esm' };

/** The lazily loaded files, .mjs. */
const LAZY: BuildOptions = {
  ...ESM,
  outExtension: { '.js': '.mjs' },
  // CommonJS packages (which, proper-lockfile...) call require() for Node's built-ins: give each file one. Not the
  // start files, which hold no package: a `require` there would load node:module at every start.
  banner: { js: "const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);" },
};

/** `@aws-sdk/client-sts` → `vendor-aws-sdk-client-sts`. */
function vendorName(specifier: string): string {
  return `vendor-${specifier.replace(/^@/, '').replace(/[^A-Za-z0-9.-]+/g, '-')}`;
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

/**
 * The hot files' `import()` of one of tfmfa's own modules becomes `import('./cold.mjs')` (which exports all their
 * names), recorded in `found`.
 */
function coldModules(hot: ReadonlySet<string>, found: Set<string>): Plugin {
  return {
    name: 'cold-modules',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const file = importedFile(args);
        if (args.kind !== 'dynamic-import' || !file || hot.has(file)) return undefined;
        found.add(file);
        return { path: './cold.mjs', external: true };
      });
    },
  };
}

/**
 * Built-ins kept whole: objects whose methods use `this` (process, console, cluster). Those whose exports are
 * a function (events, stream, assert, module...) are kept whole too: their default import must be that function.
 */
const WHOLE_BUILTINS = new Set(['process', 'console', 'cluster']);

/**
 * A built-in's exports that are plain values: its accessors are left out, since `export const { … } = m` reads
 * every named export when the importer loads, and accessors are how Node loads parts of a built-in lazily
 * (fs.promises: the promise file API and readline; http.WebSocket: undici with tls, http2 and zlib). Code that
 * needs one from a whole built-in (below) reads it from the default export (a named import of it fails the
 * build). Asked of a fresh Node: in this one, a built-in may have been imported, which replaces some accessors.
 */
const valueExportsOf = new Map<string, string[]>();

function valueExports(id: string): string[] {
  const known = valueExportsOf.get(id);
  if (known) return known;
  const script = `const m = process.getBuiltinModule(${id});
    const keys = Object.keys(m).filter((key) => !Object.getOwnPropertyDescriptor(m, key).get);
    process.stdout.write(JSON.stringify(keys));`;
  const keys = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
  const names = keys.filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key));
  valueExportsOf.set(id, names);
  return names;
}

/**
 * Node's built-in modules as bundled modules that take them from `process.getBuiltinModule()` (see the top of
 * this file), loaded on first use. A static import of most of them becomes a CommonJS module whose exports are
 * read through a proxy that loads the built-in on the first read; esbuild turns each named import into a
 * property read where it is used. So a chunk importing `node:crypto`, `node:http` or
 * `node:child_process` for a function the run never calls does not load them, and no accessor is read ahead
 * of use (Node's own ES module facade of a built-in reads every export: `fs.promises` loads fs/promises and
 * readline, http's WebSocket loads undici). The WHOLE_BUILTINS, the function-valued ones and every `import()`
 * of a built-in (esbuild gives a split chunk's CommonJS module to `import()` as a bare default) are an ES
 * module loaded with its importer, exporting the built-in's valueExports.
 */
function lazyBuiltins(): Plugin {
  const names = new Set(builtinModules);
  return {
    name: 'lazy-builtins',
    setup(b) {
      b.onResolve({ filter: /^[a-z0-9_:/]+$/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!names.has(name) || args.kind === 'require-call') return undefined;
        return { path: name, namespace: args.kind === 'dynamic-import' ? 'builtin-whole' : 'builtin' };
      });
      const load = (args: { path: string; namespace: string }) => {
        const id = JSON.stringify(`node:${args.path}`);
        const builtin = process.getBuiltinModule(`node:${args.path}`) as Record<string, unknown>;
        if (args.namespace === 'builtin' && typeof builtin !== 'function' && !WHOLE_BUILTINS.has(args.path)) {
          // esbuild's CommonJS interop copies a module's own names (__toESM) but keeps its prototype: the names
          // live on a prototype that forwards every read and write to the built-in, loaded then.
          const contents = [
            'let loaded;',
            `const load = () => (loaded ??= process.getBuiltinModule(${id}));`,
            'const forward = new Proxy({}, {',
            "  get: (_, key) => (key === '__esModule' ? undefined : Reflect.get(load(), key)),",
            '  set: (_, key, value) => Reflect.set(load(), key, value),',
            '  has: (_, key) => Reflect.has(load(), key),',
            '});',
            'module.exports = Object.create(forward);',
          ].join('\n');
          return { contents, loader: 'js' as const };
        }
        return {
          contents:
            `const m = process.getBuiltinModule(${id});\nexport default m;\n` +
            `export const { ${valueExports(id).join(', ')} } = m;\n`,
          loader: 'js' as const,
        };
      };
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, load);
      b.onLoad({ filter: /.*/, namespace: 'builtin-whole' }, load);
    },
  };
}

/**
 * Packages with a native addon (a prebuilt .node binary chosen at run time by platform): not bundled; the
 * dynamic import stays a bare specifier, resolved from node_modules when the key store first needs it.
 */
const NATIVE_PACKAGES = new Set(['@napi-rs/keyring']);

/** `import('<package>')` becomes `import('./vendor-<package>.mjs')`, and is recorded. */
function lazyPackages(found: Set<string>): Plugin {
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
        if (NATIVE_PACKAGES.has(args.path)) return { path: args.path, external: true };
        found.add(args.path);
        return { path: `./${vendorName(args.path)}.mjs`, external: true };
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
      b.onResolve({ filter: /^vendor-entry:/ }, (args) => ({
        path: args.path.slice('vendor-entry:'.length),
        namespace: 'vendor-entry',
      }));
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
  const external: Plugin = {
    name: 'no-lazy',
    setup: (b) =>
      b.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      ),
  };
  const { metafile } = await build({
    ...LAZY,
    entryPoints: HOT_ROOTS,
    outdir: join(dist, 'hot-graph'),
    write: false,
    sourcemap: false,
    plugins: [lazyBuiltins(), external],
  });
  const inputs = Object.values(metafile?.outputs ?? {})
    .flatMap((output) => Object.keys(output.inputs))
    .map((file) => resolve(root, file));
  return new Set(inputs.filter((file) => file !== entry && file.startsWith(join(root, 'src') + '/')));
}

/**
 * hot.js's (and cold.mjs's) entry: re-exports every name of every module, so that cold.mjs imports the hot modules'
 * names from hot.js; two modules exporting one name fail the build.
 */
async function hotEntry(hot: ReadonlySet<string>): Promise<string> {
  const { metafile } = await build({
    entryPoints: [...hot],
    outdir: join(dist, 'exports'),
    bundle: false,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'warning',
  });
  const owner = new Map<string, string>();
  const lines: string[] = [];
  for (const output of Object.values(metafile.outputs)) {
    if (!output.entryPoint) continue;
    const file = resolve(root, output.entryPoint);
    for (const name of output.exports) {
      if (owner.has(name))
        throw new Error(
          `bundle: ${name} is exported by both ${owner.get(name)} and ${file}: hot.js needs one name per ` +
            `export; rename one`,
        );
      owner.set(name, file);
    }
    if (output.exports.length) lines.push(`export { ${output.exports.join(', ')} } from ${JSON.stringify(file)};`);
  }
  return lines.join('\n');
}

/**
 * The commands users rarely run: not on a default path (a shim's resolution, exec, credential-process, export,
 * terragrunt-auth, list, server mode), each in dist/command-NAME.mjs, what only they reach in
 * dist/command-chunk-*.mjs, so that the default paths do not compile them with cold.mjs.
 */
const RARE_COMMANDS = ['add', 'completion', 'doctor', 'import', 'login', 'remove', 'rotate', 'shim'];
const rareCommandFile = (name: string) => join(root, 'src', 'commands', `${name}.ts`);
const RARE_FILES = new Map(RARE_COMMANDS.map((name) => [rareCommandFile(name), `./command-${name}.mjs`]));

/** cold.mjs's `import()` of a rare command becomes `import('./command-NAME.mjs')`. */
function rareCommands(): Plugin {
  return {
    name: 'rare-commands',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const file = importedFile(args);
        const out = file && args.kind === 'dynamic-import' ? RARE_FILES.get(file) : undefined;
        return out ? { path: out, external: true } : undefined;
      });
    },
  };
}

const COLD_SPECIFIER = 'tfmfa-cold-module:';

/**
 * The rare commands' imports of cold modules: from `./cold.mjs` (`as` = 'cold.mjs'), or, to learn which names
 * cold.mjs must export for them, from `tfmfa-cold-module:FILE` (`as` = 'by-file'). An `import()` of a cold
 * module would get cold.mjs's namespace, which lacks that module's names: the build refuses it.
 */
function coldImports(cold: ReadonlySet<string>, as: 'cold.mjs' | 'by-file'): Plugin {
  return {
    name: 'cold-imports',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const file = importedFile(args);
        if (!file || !cold.has(file)) return undefined;
        if (args.kind === 'dynamic-import')
          throw new Error(`bundle: ${args.importer} imports ${file} with import(): import it statically`);
        return { path: as === 'cold.mjs' ? './cold.mjs' : `${COLD_SPECIFIER}${file}`, external: true };
      });
    },
  };
}

/** The names each cold module must export for the rare commands, read from the import statements esbuild wrote. */
function coldNamesImported(result: BuildResult & { outputFiles?: Array<{ text: string }> }): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  const statement = new RegExp(
    `import\\s*(\\{[^}]*\\}|\\*\\s*as\\s+[\\w$]+|[\\w$]+)\\s*from\\s*"${COLD_SPECIFIER}([^"]+)"`,
    'g',
  );
  for (const output of result.outputFiles ?? [])
    for (const [, clause, file] of output.text.matchAll(statement)) {
      if (!clause?.startsWith('{'))
        throw new Error(`bundle: a rare command imports ${file} as a whole: import its names`);
      const set = names.get(file!) ?? new Set<string>();
      for (const part of clause.slice(1, -1).split(',')) if (part.trim()) set.add(part.trim().split(/\s+as\s+/)[0]!);
      names.set(file!, set);
    }
  return names;
}

/** cold.mjs's entry: its entries' names (hotEntry) and, for the rare commands, the names they import. */
async function coldEntry(entries: ReadonlySet<string>, imported: Map<string, Set<string>>): Promise<string> {
  const lines = [await hotEntry(entries)];
  const owner = new Map<string, string>();
  for (const line of lines[0]!.split('\n'))
    for (const [, list, file] of line.matchAll(/export \{ ([^}]*) \} from (".*");/g))
      for (const name of list!.split(', ')) owner.set(name, JSON.parse(file!) as string);
  for (const [file, names] of imported) {
    const missing = [...names].filter((name) => {
      if (!owner.has(name)) return true;
      if (owner.get(name) === file) return false;
      throw new Error(
        `bundle: ${name} is exported by both ${owner.get(name)} and ${file}: cold.mjs needs one; rename one`,
      );
    });
    missing.forEach((name) => owner.set(name, file));
    if (missing.length) lines.push(`export { ${missing.join(', ')} } from ${JSON.stringify(file)};`);
  }
  return lines.join('\n');
}

function sourceFiles(metafile: Metafile | undefined): Set<string> {
  const inputs = Object.values(metafile?.outputs ?? {}).flatMap((output) => Object.keys(output.inputs));
  return new Set(inputs.map((file) => resolve(root, file)).filter((file) => file.startsWith(join(root, 'src') + '/')));
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const cliEntry = join(root, 'src', 'cli.ts');
const hot = await hotModuleFiles(cliEntry);
const cold = new Set<string>();
const lazy = new Set<string>();
const builds: BuildResult[] = [
  await build({
    ...ESM,
    entryPoints: { cli: cliEntry },
    plugins: [lazyBuiltins(), hotModules(hot), coldModules(hot, cold), lazyPackages(lazy)],
  }),
  await build({
    ...ESM,
    stdin: { contents: await hotEntry(hot), resolveDir: root, sourcefile: 'hot-entry.js' },
    outfile: join(dist, 'hot.js'),
    outdir: undefined,
    plugins: [lazyBuiltins(), coldModules(hot, cold), lazyPackages(lazy)],
  }),
];
const COLD: BuildOptions = {
  ...LAZY,
  outfile: join(dist, 'cold.mjs'),
  outdir: undefined,
  plugins: [rareCommands(), lazyBuiltins(), hotModules(hot), lazyPackages(lazy)],
};
const coldSource = (contents: string) => ({ contents, resolveDir: root, sourcefile: 'cold-entry.js' });
const coldFiles = sourceFiles(
  (await build({ ...COLD, stdin: coldSource(await hotEntry(cold)), write: false, sourcemap: false })).metafile,
);
for (const file of RARE_FILES.keys())
  if (coldFiles.has(file)) throw new Error(`bundle: ${file} is a rare command, but a default path imports it`);
const RARE: BuildOptions = {
  ...LAZY,
  entryPoints: Object.fromEntries(RARE_COMMANDS.map((name) => [`command-${name}`, rareCommandFile(name)])),
  splitting: true,
  chunkNames: 'command-chunk-[hash]',
};
const rareTrial = await build({
  ...RARE,
  write: false,
  sourcemap: false,
  plugins: [lazyBuiltins(), hotModules(hot), coldImports(coldFiles, 'by-file'), lazyPackages(lazy)],
});
builds.push(await build({ ...COLD, stdin: coldSource(await coldEntry(cold, coldNamesImported(rareTrial))) }));
builds.push(
  await build({
    ...RARE,
    plugins: [lazyBuiltins(), hotModules(hot), coldImports(coldFiles, 'cold.mjs'), lazyPackages(lazy)],
  }),
);
builds.push(
  await build({
    ...LAZY,
    entryPoints: Object.fromEntries([...lazy].map((specifier) => [vendorName(specifier), `vendor-entry:${specifier}`])),
    splitting: true,
    chunkNames: 'vendor-chunk-[hash]',
    mainFields: ['module', 'main'],
    plugins: [lazyBuiltins(), vendorEntries()],
  }),
);

const startRequires = ['cli.js', 'hot.js'].filter((file) =>
  /\btypeof require\b/.test(readFileSync(join(dist, file), 'utf8')),
);
if (startRequires.length)
  throw new Error(
    `bundle: ${startRequires.join(', ')} would call require(), which an ES module lacks: import it lazily`,
  );
const misplaced = builds.flatMap(({ metafile }) => (metafile ? outputsOutsideDist(metafile) : ['(no metafile)']));
if (misplaced.length)
  throw new Error(
    `bundle: every output must sit directly in dist/ (import.meta.url contract): ${misplaced.join(', ')}`,
  );
chmodSync(join(dist, 'cli.js'), 0o755);
const files = builds
  .flatMap(({ metafile }) => Object.keys(metafile?.outputs ?? {}))
  .filter((file) => /\.m?js$/.test(file));
process.stdout.write(
  `bundle: dist/cli.js + hot.js (${hot.size} modules), ${files.length - 2} lazily loaded files (${cold.size} ` +
    `cold entries; packages ${[...lazy].sort().join(', ')})\n`,
);
