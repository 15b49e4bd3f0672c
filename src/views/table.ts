/** Small text helpers shared by list, clear and doctor. Nothing here ever sees a secret. */

/** `7h59m`, `59m`, `45s`, `2d3h`: the time left on a credential, rounded down. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never expires';
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (days > 0) return `${days}d${hours}h`;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m`;
  return `${total % 60}s`;
}

/** Columns padded to the widest cell; the last column is never padded. */
export function renderTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => [...(row[column] ?? '')].length)));
  return all
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + (cell.length - [...cell].length)),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export const ARROW = ' → ';
