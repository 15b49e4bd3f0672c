/**
 * `npm run build` step 1: bundles tfmfa with esbuild into dist/, in two builds.
 *
 * 1. dist/cli.js: src/cli.ts (command mode and shim mode) and all of tfmfa's own code in one file, so the
 *    shim's marker path loads one module. Modules reached by `import()` are wrapped and run only when first
 *    imported, as before; only what cli.ts imports statically runs at start-up.
 * 2. The packages src/ loads with `import()` of a bare name (the AWS SDK, execa, prompts, proper-lockfile):
 *    each is a dist/vendor-<package>.js entry, with the code they share in dist/vendor-chunk-<hash>.js; the
 *    first build points those `import()`s at them. They load only when that path runs (lazy-imports.test.ts).
 *
 * Layout contract: every output file sits directly in dist/, so the bundled code's `import.meta.url` is
 * dist/: ./cli.js (entry-point.ts), ../package.json (version.ts) and ./launcher.sh (render.ts, copied
 * there by build-launcher.ts) resolve as they did from the per-file tsc output.
 *
 * Source maps (dist/*.js.map, paths to src/ and node_modules/, no sources inlined) let stack traces point
 * at src/: the stack TFMFA_DEBUG prints is mapped through them (src/output/source-mapped-stack.ts), and Node
 * applies them itself under --enable-source-maps.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';

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

/** Build 1's plugin: `import('<package>')` becomes `import('./vendor-<package>.js')`, and is recorded. */
function lazyPackages(found: Set<string>): Plugin {
  return {
    name: 'lazy-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind !== 'dynamic-import' || args.path.startsWith('node:')) return undefined;
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
 * Build 2's entries: one module per package re-exporting all of it: `export *` for ES modules (esbuild knows
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

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const lazy = new Set<string>();
const main = await build({ ...COMMON, entryPoints: { cli: join(root, 'src', 'cli.ts') }, plugins: [lazyPackages(lazy)] });
const vendor = await build({
  ...COMMON,
  entryPoints: Object.fromEntries([...lazy].map((specifier) => [vendorName(specifier), `vendor-entry:${specifier}`])),
  splitting: true,
  chunkNames: 'vendor-chunk-[hash]',
  mainFields: ['module', 'main'],
  plugins: [vendorEntries()],
});

if (!main.metafile || !vendor.metafile) throw new Error('bundle: esbuild returned no metafile');
const misplaced = [...outputsOutsideDist(main.metafile), ...outputsOutsideDist(vendor.metafile)];
if (misplaced.length) throw new Error(`bundle: every output must sit directly in dist/ (import.meta.url contract): ${misplaced.join(', ')}`);
chmodSync(join(dist, 'cli.js'), 0o755);
const vendorFiles = Object.keys(vendor.metafile.outputs).filter((file) => file.endsWith('.js'));
process.stdout.write(`bundle: wrote dist/cli.js and ${vendorFiles.length} lazily loaded files for ${[...lazy].sort().join(', ')}\n`);
