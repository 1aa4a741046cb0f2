/** The raw objects an ingest job names, fetched from S3 into the shape the conversion takes. */
import { RecordInputError, type IngestJob } from '@holterflow/contracts';
import type { RawRecord } from '@holterflow/formats';
import { ObjectNotFound, type ObjectStore } from '@holterflow/storage';

export async function downloadRawRecord(store: ObjectStore, job: IngestJob): Promise<RawRecord> {
  const get = async (key: string): Promise<Uint8Array> => {
    try {
      return await store.get(key);
    } catch (err) {
      // A missing raw object is the submitter's mistake (bad input), not an S3 outage.
      if (err instanceof ObjectNotFound)
        throw new RecordInputError(
          job.recordId,
          `raw object s3://${store.bucket}/${key} does not exist`,
          key,
        );
      throw err;
    }
  };
  const { source } = job;
  if (source.format === 'edf') {
    return {
      format: 'edf',
      recordId: job.recordId,
      fileName: baseName(source.file),
      bytes: await get(source.file),
    };
  }
  // The WFDB reader looks files up by the names the header uses: `<recordId>.hea`, the data
  // files' own names, `<recordId>.atr`.
  const files = new Map<string, Uint8Array>();
  files.set(`${job.recordId}.hea`, await get(source.header));
  for (const key of source.data) files.set(baseName(key), await get(key));
  if (source.annotations) files.set(`${job.recordId}.atr`, await get(source.annotations));
  return { format: 'wfdb', recordId: job.recordId, files };
}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
