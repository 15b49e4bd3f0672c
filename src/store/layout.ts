/** Where a profile's ticket and its deadline stamp live: `<cache>/tickets/<profile>.ticket|.deadline`. */
const { join } = process.getBuiltinModule('node:path');

export function ticketsDir(cacheDir: string): string {
  return join(cacheDir, 'tickets');
}

export function ticketPaths(cacheDir: string, profile: string): { ticket: string; deadline: string } {
  const base = join(ticketsDir(cacheDir), profile);
  return { ticket: `${base}.ticket`, deadline: `${base}.deadline` };
}
