import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The imports between the files of a source tree (static `import … from`, `export … from` and dynamic
 * `import('…')`). Type-only imports vanish at run time, yet a cycle through them still ties the files together
 * for a reader: they count too, unless `{ types: false }`.
 */
export function importGraph(root: string, options: { types?: boolean } = {}): Map<string, string[]> {
  const types = options.types ?? true;
  const files = listTs(root);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    const statics = /^\s*(import|export)\s+(type\s+)?([^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;
    for (const match of text.matchAll(statics)) {
      if (!types && match[2]) continue; // import type / export type
      if (
        !types &&
        match[3] &&
        /^\{[^}]*\}\s+from\s+$/.test(match[3]) &&
        /^\{\s*(type\s+[\w$]+\s*,?\s*)+\}/.test(match[3])
      )
        continue; // { type A, type B }
      targets.add(resolve(dirname(file), match[4] as string));
    }
    for (const match of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g))
      targets.add(resolve(dirname(file), match[1] as string));
    graph.set(
      relative(root, file),
      [...targets].map((target) => relative(root, target)).filter((target) => files.includes(join(root, target))),
    );
  }
  return graph;
}

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every cycle's files (strongly connected components of more than one file, or a file importing itself). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}
