/**
 * A raw record as the files it came in, wherever they were read from (a directory for the CLI,
 * S3 for the ingest worker). File names are bare names as a WFDB header refers to them.
 */
export type RawRecord =
  | {
      format: 'wfdb';
      recordId: string;
      /** `<recordId>.hea`, every data file it names, and `<recordId>.atr` when there is one. */
      files: ReadonlyMap<string, Uint8Array>;
    }
  | {
      format: 'edf';
      recordId: string;
      fileName: string;
      bytes: Uint8Array;
    };

/** Total input size, for progress reporting. */
export function rawRecordBytes(raw: RawRecord): number {
  if (raw.format === 'edf') return raw.bytes.byteLength;
  let total = 0;
  for (const bytes of raw.files.values()) total += bytes.byteLength;
  return total;
}

/** The file a problem with the record as a whole is best reported against. */
export function primaryFileName(raw: RawRecord): string {
  return raw.format === 'edf' ? raw.fileName : `${raw.recordId}.hea`;
}
