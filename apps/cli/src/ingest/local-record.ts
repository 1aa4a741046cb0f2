/** Reading a discovered record's files into memory, as the shared ingest conversion takes them. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseWfdbHeader, type RawRecord } from '@holterflow/formats';
import type { LocalRecord } from './discover.js';

/**
 * WFDB: the header, every data file it names that exists beside it, and `<id>.atr` when present.
 * A missing data file is left out on purpose: the WFDB reader reports it against the record.
 */
export async function readLocalRecord(record: LocalRecord): Promise<RawRecord> {
  if (record.format === 'edf') {
    return {
      format: 'edf',
      recordId: record.recordId,
      fileName: `${record.recordId}.edf`,
      bytes: await readFile(record.path),
    };
  }
  const dir = dirname(record.path);
  const headerBytes = await readFile(record.path);
  const header = parseWfdbHeader(headerBytes.toString('latin1'), record.recordId, record.path);
  const files = new Map<string, Uint8Array>([[`${record.recordId}.hea`, headerBytes]]);
  const wanted = [...new Set(header.signals.map((s) => s.fileName)), `${record.recordId}.atr`];
  for (const name of wanted) {
    // Header file names are relative to the header; one naming "../x" must not read outside it.
    if (name.includes('/') || name.includes('\\')) continue;
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (bytes) files.set(name, bytes);
  }
  return { format: 'wfdb', recordId: record.recordId, files };
}
