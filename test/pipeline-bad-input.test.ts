/**
 * Bad input through the real pipeline (coordinator in-process, two worker processes, real Redis,
 * s3rver over HTTP, the shipped model): one run over good MIT-BIH records and recordings whose
 * signal is unusable or awkward. A readable recording is an analysed record whatever its signal —
 * summary.json and report.html say what could not be analysed and why; a malformed file is a
 * failed record with an error naming it. Each record is checked through the analyst routes:
 *  - all-NaN leads, constant-value leads: unanalysable throughout (missing, flat), no beat;
 *  - pure noise without any QRS on both leads (synthesised electrode motion, muscle):
 *    unanalysable (noise), no beat;
 *  - one lead flat, the other MIT-BIH 100's V5: the readable lead is used, beats match the reference;
 *  - 10 minutes of 119 (ventricular bigeminy): a valid report saying it is 10 minutes long;
 *  - a readable lead with no beats (100 at 1/50 of its amplitude): analysable, no beat, said so;
 *  - a corrupt Parquet file: failed, with an error naming the record and the problem;
 *  - the good records (100, 119 whole) give the same beats as a run over them alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { keys, RecordSummarySchema, type RecordSummary } from '@holterflow/contracts';
import { matchBeats, synthesiseNoise } from '@holterflow/ecg';
import {
  asyncBufferFromBytes,
  readBeatResultsParquet,
  readWfdbRecord,
  writeRecordingParquet,
} from '@holterflow/formats';
import type { ObjectStore } from '@holterflow/storage';
import { FIXTURES, ingestFixtures, putDefaultModel } from './support/run-fixtures.js';
import { TEST_ADMIN_KEY } from './support/coordinator.js';
import { pipelineStack } from './support/pipeline-stack.js';
import { shippedModel } from './support/shipped-model.js';

const RUN_TIMEOUT_MS = 300_000;
const FS = 360;
const TEN_MINUTES = 600 * FS;
const GOOD = ['100', '119'];

const shipped = shippedModel();
const stack = pipelineStack(import.meta.url, {
  timeoutMs: RUN_TIMEOUT_MS,
  pollMs: 250,
  failOnWorkerExit: true,
  logTail: 4000,
});
const { http } = stack;
let store: ObjectStore;

const rec100 = readWfdbRecord(join(FIXTURES, '100.hea'));
const rec119 = readWfdbRecord(join(FIXTURES, '119.hea'));

/** The first `n` samples of every lead. */
const head = (signals: readonly Float32Array[], n: number) => signals.map((s) => s.slice(0, n));
/** Reference beats of a fixture inside [0, n). */
const referenceIn = (rec: typeof rec100, n: number) =>
  (rec.beats ?? []).filter((b) => b.sample < n).map((b) => b.sample);

async function putRecording(prefix: string, recordId: string, leads: string[], signals: Float32Array[]) {
  await store.upload(
    keys.recording(prefix, recordId),
    writeRecordingParquet({ recordId, fs: FS, leads, signals, source: 'test' }),
  );
}

/** Two leads of synthesised noise at ECG amplitude (0.35 mV RMS, the size of a 1 mV QRS at 0 dB). */
const noiseLeads = (kind: 'em' | 'ma', seed: number) =>
  [seed, seed + 1].map((s) => synthesiseNoise(kind, TEN_MINUTES, FS, s).map((v) => 0.35 * v));

async function runToEnd(prefix: string): Promise<string> {
  const submitted = await http('POST', '/runs', {
    prefix,
    options: { windowSeconds: 600, marginSeconds: 60 },
  });
  assert.equal(submitted.status, 202, JSON.stringify(submitted.json));
  const runId: string = submitted.json.runId;
  await stack.runCompleted(runId, `run ${runId}`);
  return runId;
}

async function summaryOf(runId: string, recordId: string): Promise<RecordSummary> {
  const { status, json } = await http('GET', `/runs/${runId}/records/${recordId}/summary`);
  assert.equal(status, 200, `${recordId}: ${JSON.stringify(json)}`);
  return RecordSummarySchema.parse(json);
}

async function reportOf(runId: string, recordId: string): Promise<string> {
  const res = await fetch(`${stack.base}/runs/${runId}/records/${recordId}/report`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
  });
  assert.equal(res.status, 200, recordId);
  return res.text();
}

async function beatsOf(runId: string, recordId: string): Promise<Int32Array> {
  const key = keys.runRecordBeats(runId, recordId);
  const { results } = await readBeatResultsParquet(asyncBufferFromBytes(await store.get(key)), key);
  return Int32Array.from(results.samples);
}

before(async () => {
  await stack.start();
  store = stack.store;
  await ingestFixtures(store, 'bad-input', GOOD);
  await ingestFixtures(store, 'alone', GOOD);
  const n = 120 * FS;
  await putRecording(
    'bad-input',
    'all-nan',
    ['MLII', 'V5'],
    [0, 1].map(() => new Float32Array(n).fill(NaN)),
  );
  await putRecording(
    'bad-input',
    'constant',
    ['MLII', 'V5'],
    [0.5, -0.2].map((v) => new Float32Array(n).fill(v)),
  );
  await putRecording('bad-input', 'noise-motion', ['MLII', 'V5'], noiseLeads('em', 11));
  await putRecording('bad-input', 'noise-muscle', ['MLII', 'V5'], noiseLeads('ma', 21));
  const v5 = head(rec100.signals, TEN_MINUTES)[1];
  await putRecording(
    'bad-input',
    'one-lead-flat',
    ['MLII', 'V5'],
    [new Float32Array(TEN_MINUTES).fill(0.3), v5],
  );
  await putRecording('bad-input', 'ten-minutes', rec119.leads, head(rec119.signals, TEN_MINUTES));
  await putRecording(
    'bad-input',
    'no-beats',
    rec100.leads,
    head(rec100.signals, TEN_MINUTES).map((s) => s.map((v) => v / 50)),
  );
  const corrupt = writeRecordingParquet({
    recordId: 'corrupt',
    fs: FS,
    leads: ['MLII'],
    signals: [new Float32Array(FS * 20)],
    source: 'test',
  });
  corrupt.fill(7, corrupt.length - 64);
  await store.put(keys.recording('bad-input', 'corrupt'), corrupt);
  await putDefaultModel(store, shipped);
  await stack.startCoordinator();
  for (let i = 0; i < 2; i++) stack.startWorker();
});

after(() => stack.stop());

test('bad input: each unusable recording gets a summary and a report that say why; only the malformed file fails; good records unaffected', async (t) => {
  const runId = await runToEnd('bad-input');
  const { json: status } = await http('GET', `/runs/${runId}`);
  // corrupt is rejected at planning (its footer cannot be read); everything readable is done.
  assert.deepEqual(status.records, { total: 10, done: 9, failed: 1, running: 0, queued: 0 });
  const { json: failed } = await http('GET', `/runs/${runId}/records?state=failed`);
  assert.deepEqual(
    failed.records.map((r: { recordId: string }) => r.recordId),
    ['corrupt'],
  );
  assert.match(
    failed.records[0].error,
    /corrupt.*not a Parquet file or its footer is corrupt|not a Parquet file or its footer is corrupt/,
  );

  // Unusable throughout: analysable false, every second in `unanalysable` with its reason, no beat.
  const unusable: [string, string, number][] = [
    ['all-nan', 'missing', 120],
    ['constant', 'flat', 120],
  ];
  for (const [id, reason, seconds] of unusable) {
    const s = await summaryOf(runId, id);
    assert.equal(s.analysable, false, id);
    assert.equal(s.beats, 0, id);
    assert.equal(s.unreadableSeconds, seconds, id);
    assert.deepEqual(s.unanalysable, [{ startS: 0, endS: seconds, reason }], id);
    assert.equal(s.holter?.recording.analysableSeconds, 0, id);
    assert.ok(s.holter?.notes[0].startsWith('Unanalysable: no lead is readable anywhere'), id);
    assert.match(await reportOf(runId, id), /Unanalysable: no lead is readable anywhere in the recording/);
  }

  // Pure noise on both leads (synthesised, no ECG under it): unanalysable throughout for noise,
  // no beat (measured; one lead alone can keep a few seconds, libs/ecg bad-signals.test.ts).
  for (const id of ['noise-motion', 'noise-muscle']) {
    const s = await summaryOf(runId, id);
    t.diagnostic(`${id}: ${s.beats} beats, unanalysable ${JSON.stringify(s.unanalysable)}`);
    assert.equal(s.analysable, false, id);
    assert.equal(s.beats, 0, id);
    assert.deepEqual(s.unanalysable, [{ startS: 0, endS: 600, reason: 'noise' }], id);
    assert.match(await reportOf(runId, id), /noise with no recognisable QRS complexes 600 s/);
  }

  // One lead flat, the other readable: the readable lead stands in throughout; beats as the reference.
  {
    const s = await summaryOf(runId, 'one-lead-flat');
    assert.equal(s.analysable, true);
    assert.deepEqual(s.unanalysable, []);
    const m = matchBeats(referenceIn(rec100, TEN_MINUTES), await beatsOf(runId, 'one-lead-flat'), FS);
    const se = m.truePositives / (m.truePositives + m.falseNegatives);
    const ppv = m.truePositives / (m.truePositives + m.falsePositives);
    t.diagnostic(`one-lead-flat (V5 of 100): Se ${se}, +P ${ppv}, classes ${JSON.stringify(s.classCounts)}`);
    assert.ok(se >= 0.99 && ppv >= 0.99, `Se ${se} +P ${ppv}`);
    assert.ok(s.classCounts.N >= 0.95 * s.beats, JSON.stringify(s.classCounts));
  }

  // Ten minutes of 119: a whole report of a short record, saying so; its bigeminy is found.
  {
    const s = await summaryOf(runId, 'ten-minutes');
    assert.equal(s.durationSeconds, 600);
    const m = matchBeats(referenceIn(rec119, TEN_MINUTES), await beatsOf(runId, 'ten-minutes'), FS);
    assert.ok(m.truePositives / (m.truePositives + m.falseNegatives) >= 0.99);
    assert.equal(s.holter?.hourly.length, 1);
    assert.ok(
      s.holter?.notes.some((n) => n.includes('10.0 min long')),
      JSON.stringify(s.holter?.notes),
    );
    assert.ok((s.holter?.ventricular.bigeminy.count ?? 0) >= 1, 'no bigeminy episode in 119');
    assert.match(await reportOf(runId, 'ten-minutes'), /10\.0 min long/);
  }

  // A readable lead without beats: all of it analysable, no beat, said so.
  {
    const s = await summaryOf(runId, 'no-beats');
    assert.equal(s.analysable, true);
    assert.equal(s.holter?.recording.analysableSeconds, 600);
    assert.equal(s.beats, 0);
    assert.ok(s.holter?.notes.some((n) => n.startsWith('No beats were detected')));
    assert.match(await reportOf(runId, 'no-beats'), /No beats were detected/);
  }

  // The run's table lists every record; the unusable ones as complete and not analysable.
  const csv = (await store.getText(keys.runSummaryCsv(runId))).trim().split('\n');
  const header = csv[0].split(',');
  const rows = Object.fromEntries(csv.slice(1).map((line) => [line.split(',')[0], line.split(',')]));
  const cell = (id: string, name: string) => rows[id][header.indexOf(name)];
  assert.equal(cell('all-nan', 'status'), 'complete');
  assert.equal(cell('all-nan', 'analysable'), 'false');
  assert.equal(cell('100', 'analysable'), 'true');
  assert.equal(cell('corrupt', 'status'), 'rejected');

  // The good records are unaffected by their neighbours: the same beats as a run over them alone.
  const alone = await runToEnd('alone');
  for (const id of GOOD) {
    assert.deepEqual(await beatsOf(runId, id), await beatsOf(alone, id), id);
    const s = await summaryOf(runId, id);
    assert.equal(s.analysable, true);
    assert.deepEqual(s.classCounts, (await summaryOf(alone, id)).classCounts, id);
  }
});
