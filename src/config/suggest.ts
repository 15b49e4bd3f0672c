import type { AwsFiles } from './files.ts';

/** What to say after "profile 'x' not found": the closest names, or where to look. */
export function missingProfileHint(files: AwsFiles, name: string): string {
  const suggestions = closestNames(name, files.profiles.keys());
  if (suggestions.length) return `did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}?`;
  if (files.profiles.size > 0)
    return (
      `'tfmfa list' shows the ${files.profiles.size} profile(s) defined in ${files.configPath} ` +
      `and ${files.credentialsPath}`
    );
  return `no profiles are defined in ${files.configPath} or ${files.credentialsPath}`;
}

/** The existing names closest to a misspelt one, best first. */
export function closestNames(wanted: string, names: Iterable<string>, max = 3): string[] {
  const scored = [...names]
    .map((name) => ({ name, distance: editDistance(wanted.toLowerCase(), name.toLowerCase()) }))
    .filter(
      ({ name, distance }) =>
        distance <= Math.max(2, Math.floor(wanted.length / 2)) || name.toLowerCase().includes(wanted.toLowerCase()),
    )
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return scored.slice(0, max).map(({ name }) => name);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
