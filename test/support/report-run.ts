/**
 * A run whose outputs are written the way summarize writes them (libs/formats, libs/report),
 * without running the pipeline: record 208 complete (beats.parquet from its reference beats with
 * one-hot probabilities, summary.json, report.html with strips from its ECG), record "bad"
 * failed (error.json) and record "pending" not summarized yet. For tests of the download routes
 * and commands.
 */
import { join } from 'node:path';
import { AAMI_CLASSES, AAMI_INDEX, keys } from '@holterflow/contracts';
import { readWfdbRecord, writeBeatResultsParquet, type BeatResults } from '@holterflow/formats';
import { buildRecordReport } from '@holterflow/report';
import type { ObjectStore } from '@holterflow/storage';
import { FIXTURE_MITDB_DIR } from './mitdb.js';
import { manifestOf } from './run-flow.js';

export async function putReportedRun(
  store: ObjectStore,
  bucket: string,
  runId: string,
): Promise<BeatResults> {
  const rec = readWfdbRecord(join(FIXTURE_MITDB_DIR, '208.hea'));
  const ref = rec.beats!;
  const n = ref.length;
  const k = AAMI_CLASSES.length;
  const probabilities = new Float32Array(n * k);
  ref.forEach((b, i) => (probabilities[i * k + AAMI_INDEX[b.aami]] = 1));
  const ms = (a: number, b: number) => ((b - a) * 1000) / rec.fs;
  const beats: BeatResults = {
    samples: Int32Array.from(ref, (b) => b.sample),
    timeS: Float64Array.from(ref, (b) => b.sample / rec.fs),
    classes: ref.map((b) => b.aami),
    probabilities,
    rrPrevMs: Float32Array.from(ref, (b, i) => (i === 0 ? NaN : ms(ref[i - 1].sample, b.sample))),
    rrNextMs: Float32Array.from(ref, (b, i) => (i + 1 < n ? ms(b.sample, ref[i + 1].sample) : NaN)),
    window: new Int32Array(n),
  };
  const numSamples = rec.signals[0].length;
  const planned = (recordId: string) => ({
    recordId,
    recordingKey: `mitdb/${recordId}.parquet`,
    fs: rec.fs,
    numSamples,
    leads: rec.leads,
    windows: 1,
  });
  const manifest = manifestOf(
    runId,
    bucket,
    'v1',
    [planned('208'), planned('bad'), planned('pending')],
    1800,
  );
  await store.put(keys.runManifest(runId), JSON.stringify(manifest));
  const meta = {
    runId,
    recordId: '208',
    modelVersion: 'v1',
    fs: rec.fs,
    start: 0,
    end: numSamples,
    unreadable: [],
  };
  await store.put(keys.runRecordBeats(runId, '208'), writeBeatResultsParquet(beats, meta));
  const { summary, html } = await buildRecordReport(
    { ...meta, numSamples, samples: beats.samples, classes: beats.classes, unreadable: [] },
    async (s, e) => ({ lead: 'MLII', signal: rec.signals[0].slice(s, e) }),
  );
  await store.put(keys.runRecordReport(runId, '208'), html);
  await store.put(keys.runRecordSummary(runId, '208'), JSON.stringify(summary));
  await store.put(
    keys.runRecordError(runId, 'bad'),
    JSON.stringify({ runId, recordId: 'bad', error: 'record bad: not a Parquet file', failedWindows: [] }),
  );
  return beats;
}
