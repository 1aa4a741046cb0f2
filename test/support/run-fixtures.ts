/**
 * Inputs of pipeline tests: MIT-BIH fixture records ingested with the real ingest conversion,
 * the five kinds of bad recording a run must survive, and a model version in S3.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteWriter, parquetWrite, type ColumnSource } from 'hyparquet-writer';
import { keys } from '@holterflow/contracts';
import { ingestRecord, writeRecordingParquet } from '@holterflow/formats';
import { objectModelStore, setDefaultModelVersion } from '@holterflow/registry';
import type { ObjectStore } from '@holterflow/storage';

export const FIXTURES = fileURLToPath(new URL('../fixtures/mitdb/', import.meta.url));

/** Ingests fixture records (WFDB .hea/.dat/.atr) into `<prefix>/<id>.parquet` + `.beats.parquet`. */
export async function ingestFixtures(
  store: ObjectStore,
  prefix: string,
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    const files = new Map<string, Uint8Array>();
    for (const ext of ['hea', 'dat', 'atr'])
      files.set(`${id}.${ext}`, readFileSync(join(FIXTURES, `${id}.${ext}`)));
    await ingestRecord({ format: 'wfdb', recordId: id, files }, store, prefix);
  }
}

/** A Parquet file made without our writer, for metadata and columns ours never writes. */
function foreignParquet(columns: ColumnSource[], kv: Record<string, string>): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: columns,
    kvMetadata: Object.entries(kv).map(([key, value]) => ({ key, value })),
  });
  return writer.getBytes();
}

/** What each malformed recording's error must say (matched against the run status). */
export const BAD_RECORDINGS = {
  corrupt: /not a Parquet file or its footer is corrupt/,
  'wrong-schema': /lead column MLII is not float32|not float32 lead columns/,
  'no-rate': /holterflow\.fs \(sampling rate in Hz\) is missing/,
  'one-second': /recording is 1\.0 s long; at least 10 s/,
} as const;

/**
 * Recordings that are readable but whose signal is unusable throughout, with the reason their
 * summary gives: analysed records (summary.json `analysable: false`), not failures.
 */
export const UNUSABLE_RECORDINGS = { 'all-nan': 'missing' } as const;

/** A recording whose footer reads (it is planned) but whose sample pages are corrupt. */
export const CORRUPT_SAMPLES = {
  recordId: 'corrupt-samples',
  error: /record corrupt-samples \(.*corrupt-samples\.parquet\): sample data is corrupt/,
} as const;

export async function putCorruptSamplesRecording(store: ObjectStore, prefix: string): Promise<void> {
  const fs = 360;
  const bytes = writeRecordingParquet({
    recordId: CORRUPT_SAMPLES.recordId,
    fs,
    leads: ['MLII'],
    signals: [Float32Array.from({ length: fs * 120 }, (_, i) => Math.sin(i / 20))],
    source: 'test',
  });
  // Garbage over the first half (the data pages); the footer at the end still reads.
  bytes.fill(0xff, 16, Math.floor(bytes.length / 2));
  await store.put(keys.recording(prefix, CORRUPT_SAMPLES.recordId), bytes);
}

/** Writes the four malformed recordings (keys of BAD_RECORDINGS) and the unusable all-nan under `prefix`. */
export async function putBadRecordings(store: ObjectStore, prefix: string): Promise<void> {
  const fs = 360;
  const good = writeRecordingParquet({
    recordId: 'corrupt',
    fs,
    leads: ['MLII'],
    signals: [new Float32Array(fs * 20)],
    source: 'test',
  });
  const corrupt = good.slice();
  corrupt.fill(7, corrupt.length - 64); // the footer and its length are garbage now
  await store.put(keys.recording(prefix, 'corrupt'), corrupt);
  await store.put(
    keys.recording(prefix, 'wrong-schema'),
    foreignParquet([{ name: 'MLII', data: new Int32Array(fs * 20), type: 'INT32' }], {
      'holterflow.fs': String(fs),
      'holterflow.leads': '["MLII"]',
    }),
  );
  await store.put(
    keys.recording(prefix, 'no-rate'),
    foreignParquet([{ name: 'MLII', data: new Float32Array(fs * 20), type: 'FLOAT' }], {}),
  );
  await store.put(
    keys.recording(prefix, 'one-second'),
    writeRecordingParquet({
      recordId: 'one-second',
      fs,
      leads: ['MLII'],
      signals: [new Float32Array(fs)],
      source: 'test',
    }),
  );
  await store.put(
    keys.recording(prefix, 'all-nan'),
    writeRecordingParquet({
      recordId: 'all-nan',
      fs,
      leads: ['MLII'],
      signals: [new Float32Array(fs * 120).fill(Number.NaN)],
      source: 'test',
    }),
  );
}

/**
 * Saves a deterministic, untrained seed CNN as model `version` (plumbing tests: the classes it
 * gives are meaningless, but every stage runs exactly as with a trained model).
 */
export async function saveSeedModel(store: ObjectStore, version: string, seed = 1): Promise<void> {
  const { buildSeedCnn, initBackend, saveModel } = await import('@holterflow/model');
  await initBackend({ prefer: 'cpu', log: () => {} });
  await saveModel(buildSeedCnn({ seed }), store, keys.modelPrefix(version), {
    version,
    seed,
    trained: false,
  });
}

/**
 * Makes the repo's shipped model (`shippedModel()`) the bucket's default model, or, where none is
 * shipped (a fresh clone without models/), the untrained seed CNN `seed-1`. Answers the version.
 */
export async function putDefaultModel(
  store: ObjectStore,
  shipped: { version: string; dir: string } | undefined,
): Promise<string> {
  if (shipped)
    for (const file of ['model.json', 'weights.bin'])
      await store.put(keys.modelFile(shipped.version, file), readFileSync(join(shipped.dir, file)));
  else await saveSeedModel(store, 'seed-1');
  const version = shipped?.version ?? 'seed-1';
  await setDefaultModelVersion(objectModelStore(store), version);
  return version;
}
