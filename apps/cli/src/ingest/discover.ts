/**
 * Finding records on disk: every `.hea` (WFDB) and `.edf` file under the given directories
 * (recursively) or among the given files. Data and annotation files are found through their
 * header, so passing `100.hea 100.dat 100.atr` or the directory holding them is the same.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';

export interface LocalRecord {
  recordId: string;
  format: 'wfdb' | 'edf';
  /** The .hea or .edf file. */
  path: string;
}

export interface DiscoveryProblem {
  path: string;
  problem: string;
}

const RECORD_EXTENSIONS: Record<string, LocalRecord['format']> = { '.hea': 'wfdb', '.edf': 'edf' };
/** Companion files that are read through a header and need no mention when given explicitly. */
const COMPANION_EXTENSIONS = new Set(['.dat', '.atr']);

export async function discoverRecords(
  inputs: readonly string[],
): Promise<{ records: LocalRecord[]; problems: DiscoveryProblem[] }> {
  const records: LocalRecord[] = [];
  const problems: DiscoveryProblem[] = [];
  const seen = new Map<string, string>();
  const add = (path: string) => {
    const format = RECORD_EXTENSIONS[extname(path).toLowerCase()];
    if (!format) return;
    const recordId = basename(path).slice(0, -extname(path).length);
    const earlier = seen.get(recordId);
    if (earlier !== undefined) {
      // Both would be written to the same key; the first one found wins, the other is reported.
      if (earlier !== path)
        problems.push({ path, problem: `record ${recordId} was already found at ${earlier}` });
      return;
    }
    seen.set(recordId, path);
    records.push({ recordId, format, path });
  };
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch(() => undefined);
    if (!info) problems.push({ path, problem: 'no such file or directory' });
    else if (info.isDirectory()) for (const file of await walk(path)) add(file);
    else if (RECORD_EXTENSIONS[extname(path).toLowerCase()]) add(path);
    else if (!COMPANION_EXTENSIONS.has(extname(path).toLowerCase()))
      problems.push({ path, problem: 'not a record file (expected .hea or .edf)' });
  }
  return { records, problems };
}

/** Files under a directory in a stable (sorted) order, skipping dot-entries. */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}
