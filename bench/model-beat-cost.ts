/**
 * What a model costs a classify worker per beat, models side by side in one run: hours of real
 * MIT-BIH signal (bench/mitdb-24h.ts) cut into 30-minute windows read with the margins a classify
 * job reads (the run's 30 s detection margin plus the model's feature context), then DSP, rhythm
 * features where the model needs them, and the model — classifyWindow, exactly what a classify
 * thread runs — on one thread, best of two passes per model. Prints beats per CPU-second per model
 * and each one's ratio to the first.
 *   node --import tsx bench/model-beat-cost.ts --models models/seed-cnn-intra-v1,models/rhythm-mlp-v1 [--hours 4]
 * In-process (no S3, queues or Parquet decode, which cost every model the same): the part of a
 * classify job's CPU that depends on the model.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { primaryLeadOf } from '@holterflow/ecg';
import { initBackend } from '@holterflow/model';
import { loadPredictor } from '../apps/worker/src/pipeline/beat-predictor.js';
import { classifyWindow } from '../apps/worker/src/pipeline/classify-window.js';
import { build24hRecording } from './mitdb-24h.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'models/seed-cnn-intra-v1' },
    hours: { type: 'string', default: '4' },
  },
});
const DETECTION_MARGIN_SECONDS = 30;
const WINDOW_SECONDS = 1800;
await initBackend({ log: () => {} });
const rec = build24hRecording(undefined, Number(values.hours));
const n = rec.signals[0].length;
console.log(`${values.hours} h two-lead ${rec.fs} Hz recording, load ${loadavg()[0].toFixed(2)}`);
const rates: { version: string; rate: number }[] = [];
for (const dir of values.models!.split(',')) {
  const version = basename(dir);
  const predictor = await loadPredictor({
    version,
    modelJson: new Uint8Array(await readFile(join(dir, 'model.json'))),
    weights: new Uint8Array(await readFile(join(dir, 'weights.bin'))),
  });
  const margin = (DETECTION_MARGIN_SECONDS + predictor.contextSeconds) * rec.fs;
  let best = 0;
  let beats = 0;
  for (let pass = 0; pass < 2; pass++) {
    beats = 0;
    const cpu0 = process.cpuUsage();
    for (let start = 0, w = 0; start < n; start += WINDOW_SECONDS * rec.fs, w++) {
      const end = Math.min(n, start + WINDOW_SECONDS * rec.fs);
      const offset = Math.max(0, start - margin);
      const out = await classifyWindow(
        {
          signals: rec.signals.map((s) => s.subarray(offset, Math.min(n, end + margin))),
          fs: rec.fs,
          offset,
          ownedStart: start,
          ownedEnd: end,
          primaryLead: primaryLeadOf(rec.leads),
          window: w,
        },
        predictor,
      );
      beats += out.results.samples.length;
    }
    const cpu = process.cpuUsage(cpu0);
    best = Math.max(best, beats / ((cpu.user + cpu.system) / 1e6));
  }
  await predictor.dispose();
  rates.push({ version, rate: best });
  console.log(
    `${version.padEnd(22)} engine ${predictor.engine.padEnd(5)} context ${predictor.contextSeconds} s: ${beats} beats, ${best.toFixed(0)} beats per CPU-second` +
      (rates.length > 1 ? ` (${(best / rates[0].rate).toFixed(2)} × ${rates[0].version})` : ''),
  );
}
console.log(`load at end ${loadavg()[0].toFixed(2)}`);
