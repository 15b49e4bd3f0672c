import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A stack frame's location in a script: `file:///…/dist/cold.mjs:120:7` (an ES module) or `/…/dist/x.cjs:120:7`
 * (a CommonJS file names its path, spaces and all: inside a frame's parentheses a location runs to the `)`).
 */
const FRAME = /(?<=\()(?:file:\/\/|\/)[^()]+?\.[cm]?js:\d+:\d+(?=\))|(?:file:\/\/|\/)[^\s()]+?\.[cm]?js:\d+:\d+/g;
const LOCATION = /^(.+?):(\d+):(\d+)$/;

/**
 * A stack trace with every frame in a bundled file (dist/*.js, dist/*.mjs) rewritten to its place in src/ (or in a
 * package's own sources), read from the source map beside the file. Node applies source maps itself only
 * with --enable-source-maps, and only to files loaded after they were turned on: this runs when an error is
 * reported, at no cost to any other run. Frames without a map stay as they are.
 */
export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  return stack.replace(FRAME, (frame) => {
    const [, url, line, column] = LOCATION.exec(frame) as RegExpExecArray;
    const file = url?.startsWith('file://') ? fileURLToPath(url) : (url as string);
    if (!maps.has(file)) maps.set(file, loadMap(file));
    const origin = maps.get(file)?.findOrigin(Number(line), Number(column));
    if (!origin || !('fileName' in origin)) return frame;
    const source = origin.fileName.startsWith('file://')
      ? fileURLToPath(origin.fileName)
      : resolve(dirname(file), origin.fileName);
    return `${source}:${origin.lineNumber}:${origin.columnNumber}`;
  });
}

function loadMap(file: string): SourceMap | undefined {
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return undefined;
  try {
    return new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
  } catch {
    return undefined;
  }
}
