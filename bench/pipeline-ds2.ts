/**
 * Issue 9: "through the real pipeline, the DS2 records' per-class figures equal the in-process
 * evaluation". The 22 DS2 records of MIT-BIH are ingested (the real WFDB conversion) onto s3rver,
 * run through the coordinator (in this process) and two worker processes on real Redis with a
 * model version, and their beats.parquet scored against the reference annotations (EC57 beat
 * matching, 150 ms). Beside it, two in-process figures of the same model:
 *  - the worker's own classify code (classifyWindow, one window per whole record, no S3, no
 *    queues) on the same recordings: the pipeline must give the very same beats and classes
 *    (window invariance) — reported as the number of beats that differ, expected 0;
 *  - `holterflow evaluate` (libs/training evaluateModel) on the beat dataset's DS2 part, which
 *    classifies every *reference* beat (cut where the detector put it, or at the annotation where
 *    it missed one): its per-class figures differ from the pipeline's by what detection adds —
 *    missed beats, extra detections, a beat's neighbours being detected beats — and the bench
 *    prints both and the differences in percentage points.
 *
 *   node --import tsx bench/pipeline-ds2.ts --model-dir models/rhythm-mlp-inter-v2 \
 *     [--data .tmp/mitdb-beats.parquet] [--mitdb /work/shared/data/mitdb] [--window 600]
 *
 * Measured 2026-12-04 19:05 (rhythm-mlp-inter-v7, the default's twin: v6's networks, the
 * rhythm-only ones weighing 0.75; same windows and dataset; 22 records in 14 s): 49,594 pipeline
 * beats, 0 differ from the in-process whole-record classification; per class within 1.10
 * percentage points of `holterflow evaluate` (N −0.33 / −0.05; S +0.16 / −1.10; V −0.78 / +0.36;
 * F 0.00 / +0.30); EC57 on matched beats VEB 85.15 / 81.69 and SVEB 22.12 / 29.25 against
 * evaluate's 85.13 / 81.20 and 21.83 / 30.31.
 *
 * Measured 2026-12-03 18:18 (rhythm-mlp-inter-v6, the default's twin, same windows, the dataset
 * rebuilt with the detector's interposed-noise rule; 22 records in 22 s): 49,594 pipeline beats,
 * 0 differ from the in-process whole-record classification; per class within 0.81 percentage
 * points of `holterflow evaluate` (N −0.32 / −0.04; S +0.44 / −0.81; V −0.81 / +0.39; F 0.00 /
 * +0.29); EC57 on matched beats VEB 85.24 / 81.88 and SVEB 17.63 / 29.79 against evaluate's
 * 85.25 / 81.36 and 17.09 / 30.57.
 *
 * Measured 2026-12-03 14:40 (rhythm-mlp-inter-v5, the default's twin, same windows, `--data
 * .tmp/mitdb-beats-nst.parquet`; 22 records in 13 s): 49,610 pipeline beats, 0 differ from the
 * in-process whole-record classification; per class within 0.75 percentage points of `holterflow
 * evaluate` (N −0.27 / −0.03; S +0.54 / +0.27; V −0.75 / +0.35; F 0.00 / +0.24); EC57 on matched
 * beats VEB 85.00 / 82.00 and SVEB 11.53 / 29.06 against evaluate's 85.04 / 81.54 and 10.94 / 28.80.
 *
 * Measured 2026-12-03 10:10 (rhythm-mlp-inter-v4, then the default's twin, same windows; 22 records in
 * 30 s): 49,610 pipeline beats, 0 differ from the in-process whole-record classification; per
 * class within 0.75 percentage points of `holterflow evaluate` (N −0.27 / −0.03; S +0.49 / +0.33;
 * V −0.75 / +0.30; F 0.00 / +0.21); EC57 on matched beats VEB 85.00 / 82.05 and SVEB 8.63 / 23.94
 * against evaluate's 85.04 / 81.64 and 8.11 / 23.58.
 *
 * Measured 2026-12-02 20:27 (rhythm-mlp-inter-v3, then the default's twin, same windows; 22 records in
 * 22 s, `--data .tmp/mitdb-beats.parquet`): 49,610 pipeline beats, 0 differ from the in-process
 * whole-record classification; per class within 1.1 percentage points of `holterflow evaluate`
 * (N −0.26 / −0.04; S −0.27 / −1.06; V −0.75 / +0.03; F 0.00 / +0.37); EC57 on matched beats VEB
 * 85.22 / 84.12 and SVEB 14.21 / 32.83 against evaluate's 85.25 / 83.92 and 14.43 / 33.93.
 *
 * Measured 2026-12-02 (rhythm-mlp-inter-v2, 600 s windows, 60 s margins; 22 records in 21 s):
 * 49,625 pipeline beats, 0 differ from the in-process whole-record classification; per class the
 * pipeline is within 1 percentage point of `holterflow evaluate` (N Se −0.27, +P −0.03; S +0.22 /
 * −0.93; V −0.68 / −0.36; F 0.00 / +0.90); EC57 on matched beats VEB 86.19 / 81.11 and SVEB 27.87 /
 * 37.09 against evaluate's 86.12 / 80.85 and 27.54 / 37.70.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AAMI_CLASSES, MODEL_JSON, keys } from '@holterflow/contracts';
import { classConfusion, matchBeats, primaryLeadOf } from '@holterflow/ecg';
import {
  asyncBufferFromBytes,
  ingestRecord,
  readBeatResultsParquet,
  readRecordingMeta,
  readRecordingSamples,
  readReferenceBeats,
} from '@holterflow/formats';
import { WEIGHTS_BIN } from '@holterflow/model';
import { objectModelStore, setDefaultModelVersion } from '@holterflow/registry';
import { ObjectStore, storageEnvOf } from '@holterflow/storage';
import { DS2_RECORDS, directoryTrainingStore, ec57Statistics, evaluateModel } from '@holterflow/training';
import { connectTestRedis } from '../test/support/redis.js';
import { startS3rver } from '../test/support/s3rver.js';
import { startTestCoordinator } from '../test/support/coordinator.js';
import { jsonClient } from '../test/support/http.js';
import { spawnWorkerProcess, type WorkerProcess } from '../test/support/worker-process.js';
import { classifyWindow } from '../apps/worker/src/pipeline/classify-window.js';
import { loadPredictor } from '../apps/worker/src/pipeline/beat-predictor.js';
import { mitdbDir } from './mitdb-24h.js';

const { values: args } = parseArgs({
  options: {
    'model-dir': { type: 'string' },
    data: { type: 'string', default: '.tmp/mitdb-beats.parquet' },
    mitdb: { type: 'string' },
    window: { type: 'string', default: '600' },
  },
});
if (!args['model-dir']) throw new Error('--model-dir models/<version> is required');
const modelDir = args['model-dir'];
const version = basename(modelDir);
const dir = args.mitdb ?? mitdbDir();
const K = AAMI_CLASSES.length;
const pc = (x: number) => (100 * x).toFixed(2);

interface Tally {
  confusion: number[][];
  missed: number[];
  calledUnmatched: number[];
}
const tally = (): Tally => ({
  confusion: Array.from({ length: K }, () => new Array<number>(K).fill(0)),
  missed: new Array<number>(K).fill(0),
  calledUnmatched: new Array<number>(K).fill(0),
});

/** Per-class Se and +P of beats against the reference (missed beats and extra calls count). */
function perClass(t: Tally): { se: number; ppv: number }[] {
  return AAMI_CLASSES.map((_, i) => {
    const ref = t.confusion[i].reduce((a, b) => a + b, 0) + t.missed[i];
    const called = t.confusion.reduce((s, row) => s + row[i], 0) + t.calledUnmatched[i];
    return { se: ref ? t.confusion[i][i] / ref : NaN, ppv: called ? t.confusion[i][i] / called : NaN };
  });
}

function add(
  t: Tally,
  reference: { sample: number; aami: string }[],
  samples: Int32Array,
  classes: string[],
  fs: number,
) {
  const match = matchBeats(
    reference.map((b) => b.sample),
    samples,
    fs,
  );
  const c = classConfusion(
    match,
    reference.map((b) => b.aami as (typeof AAMI_CLASSES)[number]),
    classes as (typeof AAMI_CLASSES)[number][],
  );
  for (let r = 0; r < K; r++) {
    t.missed[r] += c.missedByClass[r];
    for (let p = 0; p < K; p++) t.confusion[r][p] += c.matrix[r][p];
  }
  for (let j = 0; j < samples.length; j++)
    if (match.detectedToReference[j] < 0 && !match.detectedExcluded[j])
      t.calledUnmatched[AAMI_CLASSES.indexOf(classes[j] as (typeof AAMI_CLASSES)[number])]++;
}

const redis = await connectTestRedis('bench-pipeline-ds2');
const s3 = await startS3rver({ bucket: 'holterflow-ds2' });
const store = new ObjectStore(s3.config);
const workers: WorkerProcess[] = [];
let app: Awaited<ReturnType<typeof startTestCoordinator>>['app'] | undefined;
try {
  for (const id of DS2_RECORDS) {
    const files = new Map<string, Uint8Array>();
    for (const ext of ['hea', 'dat', 'atr'])
      files.set(`${id}.${ext}`, readFileSync(join(dir, `${id}.${ext}`)));
    await ingestRecord({ format: 'wfdb', recordId: id, files }, store, 'ds2');
  }
  for (const file of [WEIGHTS_BIN, MODEL_JSON])
    await store.put(keys.modelFile(version, file), new Uint8Array(await readFile(join(modelDir, file))));
  await setDefaultModelVersion(objectModelStore(store), version);
  const coordinator = await startTestCoordinator(redis, s3);
  app = coordinator.app;
  const http = jsonClient(() => coordinator.base);
  for (let i = 0; i < 2; i++) workers.push(spawnWorkerProcess({ ...storageEnvOf(s3.config), ...redis.env }));
  const t0 = Date.now();
  const submitted = await http('POST', '/runs', {
    prefix: 'ds2',
    options: { windowSeconds: Number(args.window), marginSeconds: 60 },
  });
  if (submitted.status !== 202) throw new Error(JSON.stringify(submitted.json));
  const runId: string = submitted.json.runId;
  for (;;) {
    const { json } = await http('GET', `/runs/${runId}`);
    if (json.state === 'completed') {
      if (json.records.failed) throw new Error(`${json.records.failed} records failed`);
      break;
    }
    for (const w of workers)
      if (w.child.exitCode !== null) throw new Error(`a worker exited:\n${w.log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(
    `pipeline: ${DS2_RECORDS.length} DS2 records through 2 workers in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );

  const modelJson = await store.get(keys.modelFile(version, MODEL_JSON));
  const predictor = await loadPredictor({
    version,
    modelJson,
    weights: await store.get(keys.modelFile(version, WEIGHTS_BIN)),
  });
  const pipeline = tally();
  const inProcess = tally();
  let differing = 0;
  let beats = 0;
  for (const id of DS2_RECORDS) {
    const beatsKey = keys.runRecordBeats(runId, id);
    const { results, meta } = await readBeatResultsParquet(
      asyncBufferFromBytes(await store.get(beatsKey)),
      beatsKey,
    );
    const refKey = keys.referenceBeats('ds2', id);
    const reference = await readReferenceBeats(asyncBufferFromBytes(await store.get(refKey)), refKey);
    add(pipeline, reference, results.samples, results.classes, meta.fs);
    // The worker's classify code on the whole recording in one window, in this process.
    const file = asyncBufferFromBytes(await store.get(keys.recording('ds2', id)));
    const recMeta = await readRecordingMeta(file, id);
    const signals = await readRecordingSamples(file, 0, recMeta.numSamples, undefined, recMeta);
    const whole = await classifyWindow(
      {
        signals,
        fs: recMeta.fs,
        offset: 0,
        ownedStart: 0,
        ownedEnd: recMeta.numSamples,
        primaryLead: primaryLeadOf(recMeta.leads),
        window: 0,
      },
      predictor,
    );
    add(inProcess, reference, whole.results.samples, whole.results.classes, recMeta.fs);
    beats += results.samples.length;
    if (whole.results.samples.length !== results.samples.length)
      differing += Math.abs(whole.results.samples.length - results.samples.length);
    const n = Math.min(whole.results.samples.length, results.samples.length);
    for (let j = 0; j < n; j++)
      if (whole.results.samples[j] !== results.samples[j] || whole.results.classes[j] !== results.classes[j])
        differing++;
  }
  await predictor.dispose();

  const evaluation = await evaluateModel({
    // keys are models/<version>/…, under the folder that holds models/.
    store: directoryTrainingStore(dirname(dirname(resolve(modelDir)))),
    version,
    dataset: { bytes: new Uint8Array(await readFile(args.data!)), name: basename(args.data!) },
    protocol: 'inter',
  });
  const datasetPerClass = AAMI_CLASSES.map((_, i) => ({
    se: evaluation.metrics.perClass[i].recall,
    ppv: evaluation.metrics.perClass[i].precision,
  }));
  const p = perClass(pipeline);
  const w = perClass(inProcess);
  console.log(
    `\nbeats: pipeline ${beats}; pipeline vs in-process whole-record classification: ${differing} beats differ (sample or class)`,
  );
  console.log(
    'class  pipeline Se  +P     | in-process Se  +P  | evaluate (dataset) Se  +P | pipeline − evaluate (pp) Se  +P',
  );
  AAMI_CLASSES.forEach((c, i) =>
    console.log(
      `${c.padEnd(6)} ${pc(p[i].se).padStart(6)} ${pc(p[i].ppv).padStart(6)} | ${pc(w[i].se).padStart(6)} ${pc(w[i].ppv).padStart(6)} | ${pc(datasetPerClass[i].se).padStart(6)} ${pc(datasetPerClass[i].ppv).padStart(6)} | ${(100 * (p[i].se - datasetPerClass[i].se)).toFixed(2).padStart(6)} ${(100 * (p[i].ppv - datasetPerClass[i].ppv)).toFixed(2).padStart(6)}`,
    ),
  );
  const pe = ec57Statistics(pipeline.confusion);
  const de = evaluation.ec57;
  console.log(
    `EC57 on matched beats — pipeline: VEB Se ${pe.veb.se.toFixed(2)} +P ${pe.veb.ppv.toFixed(2)}, SVEB Se ${pe.sveb.se.toFixed(2)} +P ${pe.sveb.ppv.toFixed(2)}; ` +
      `evaluate: VEB Se ${de.veb.se.toFixed(2)} +P ${de.veb.ppv.toFixed(2)}, SVEB Se ${de.sveb.se.toFixed(2)} +P ${de.sveb.ppv.toFixed(2)}`,
  );
  console.log(
    JSON.stringify({
      model: version,
      beats,
      differingFromInProcess: differing,
      pipeline: {
        perClass: p,
        vebSe: pe.veb.se,
        vebPpv: pe.veb.ppv,
        svebSe: pe.sveb.se,
        svebPpv: pe.sveb.ppv,
      },
      evaluate: {
        perClass: datasetPerClass,
        vebSe: de.veb.se,
        vebPpv: de.veb.ppv,
        svebSe: de.sveb.se,
        svebPpv: de.sveb.ppv,
      },
    }),
  );
} finally {
  for (const w of workers)
    if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await app?.close();
  store.destroy();
  await s3.stop();
  await redis.cleanup();
}
process.exit(0);
