/**
 * Noise stress benchmark: MIT-BIH records with noise added as the Noise Stress Test Database adds
 * it (libs/ecg noise-stress: from minute 5, 2 min on / 2 min off, SNR as `nst` defines it, noise
 * synthesised deterministically), at 24, 18, 12, 6 and 0 dB. Per SNR:
 *  - QRS Se / +P (EC57, 150 ms) on the analysed part: reference beats and detections inside
 *    stretches marked unanalysable are left out on both sides (and the VF episodes, as qrs-eval);
 *    also on the noisy stretches alone;
 *  - the share of the signal marked unanalysable (all of it, and of the noisy stretches);
 *  - VEB Se / +P of the model (models/DEFAULT unless --model): every analysed detection is
 *    classified as the classify worker does (argmax); a V call on a detection that matches no
 *    reference beat counts as a false V.
 *   node --import tsx bench/ecg-noise.ts [--data dir] [--snr 24,18,12,6,0] [--kind mixed|em|ma|bw]
 *     [--records 100,105] [--model v | --no-model] [--seed 1]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWfdbRecord } from '@holterflow/formats';
import {
  addNoiseStress,
  analyseBeats,
  matchBeats,
  nstNoisySegments,
  NOISE_KINDS,
  primaryLeadOf,
  signalSizeBeats,
  ventricularFibrillationEpisodes,
  type NoiseKind,
  type SampleRange,
} from '@holterflow/ecg';
import type { AamiClass } from '@holterflow/contracts';
import { initBackend } from '@holterflow/model';
import { loadPredictor, type LoadedPredictor } from '../apps/worker/src/pipeline/beat-predictor.js';
import { classifyWindow } from '../apps/worker/src/pipeline/classify-window.js';
import { FULL_MITDB_DIR } from '../test/support/mitdb.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: FULL_MITDB_DIR },
    snr: { type: 'string', default: '24,18,12,6,0' },
    kind: { type: 'string', default: 'mixed' },
    records: { type: 'string' },
    model: { type: 'string' },
    'no-model': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
  },
});
const kind = values.kind as NoiseKind;
if (!NOISE_KINDS.includes(kind)) throw new Error(`--kind must be one of ${NOISE_KINDS.join(', ')}`);
const dir = values.data;
if (!existsSync(dir)) throw new Error(`${dir} does not exist: pass --data <mitdb dir>`);
const ids =
  values.records?.split(',') ??
  readdirSync(dir)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => f.replace(/\.hea$/, ''))
    .sort();
const snrs = values.snr.split(',').map(Number);
const seed = Number(values.seed);

// The model runs as a classify worker runs it (classifyWindow over the whole record: detection,
// the rhythm features a rhythm model needs, the model), so the VEB figures are the pipeline's.
let predictor: LoadedPredictor | undefined;
let modelVersion = '(none)';
if (!values['no-model']) {
  modelVersion = values.model ?? readFileSync('models/DEFAULT', 'utf8').trim();
  await initBackend({ log: () => {} });
  predictor = await loadPredictor({
    version: modelVersion,
    modelJson: new Uint8Array(await readFile(join('models', modelVersion, 'model.json'))),
    weights: new Uint8Array(await readFile(join('models', modelVersion, 'weights.bin'))),
  });
}

/** Beats found (record samples), their classes when a model runs, and the unanalysable stretches. */
async function analyse(
  signals: Float32Array[],
  fs: number,
  primaryLead: number,
  recordId: string,
): Promise<{ samples: Int32Array; classes?: AamiClass[]; unreadable: (SampleRange & { reason: string })[] }> {
  if (!predictor) {
    const { beats, unreadable } = analyseBeats(signals, fs, { primaryLead, recordId });
    return { samples: beats.samples, unreadable };
  }
  const n = signals[0].length;
  const out = await classifyWindow(
    { signals, fs, offset: 0, ownedStart: 0, ownedEnd: n, primaryLead, window: 0 },
    predictor,
  );
  return { samples: out.results.samples, classes: out.results.classes, unreadable: out.unreadable };
}

interface Tally {
  tp: number;
  fn: number;
  fp: number;
  noisyTp: number;
  noisyFn: number;
  noisyFp: number;
  samples: number;
  unanalysable: number;
  noisySamples: number;
  noisyUnanalysable: number;
  vTrue: number;
  vCalled: number;
  /** False V calls on detections that match no reference beat (noise taken for a beat). */
  vOnFalseDetections: number;
  vReference: number;
  vFound: number;
  reasons: Map<string, number>;
}
const tally = (): Tally => ({
  tp: 0,
  fn: 0,
  fp: 0,
  noisyTp: 0,
  noisyFn: 0,
  noisyFp: 0,
  samples: 0,
  unanalysable: 0,
  noisySamples: 0,
  noisyUnanalysable: 0,
  vTrue: 0,
  vCalled: 0,
  vOnFalseDetections: 0,
  vReference: 0,
  vFound: 0,
  reasons: new Map(),
});

function overlap(a: readonly SampleRange[], b: readonly SampleRange[]): number {
  let s = 0;
  for (const x of a) for (const y of b) s += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
  return s;
}

function complement(ranges: readonly SampleRange[], n: number): SampleRange[] {
  const out: SampleRange[] = [];
  let at = 0;
  for (const r of [...ranges].sort((p, q) => p.start - q.start)) {
    if (r.start > at) out.push({ start: at, end: r.start });
    at = Math.max(at, r.end);
  }
  if (at < n) out.push({ start: at, end: n });
  return out;
}

const rows: string[] = [];
const totals = new Map<number, Tally>();
const started = performance.now();
for (const snr of snrs) totals.set(snr, tally());
for (const id of ids) {
  const rec = readWfdbRecord(join(dir, `${id}.hea`));
  const beats = rec.beats ?? [];
  const n = rec.signals[0].length;
  const sizeBeats = signalSizeBeats(beats);
  const vf = ventricularFibrillationEpisodes(rec.annotations ?? [], n);
  const noisy = nstNoisySegments(n, rec.fs);
  const primaryLead = primaryLeadOf(rec.leads);
  for (const snr of snrs) {
    const signals = addNoiseStress(rec.signals, rec.fs, sizeBeats, { snrDb: snr, kind, seed });
    const found = await analyse(signals, rec.fs, primaryLead, id);
    const unreadable = found.unreadable;
    const t = totals.get(snr) as Tally;
    const excluded = [...vf, ...unreadable];
    const reference = beats.map((b) => b.sample);
    const m = matchBeats(reference, found.samples, rec.fs, excluded);
    t.tp += m.truePositives;
    t.fn += m.falseNegatives;
    t.fp += m.falsePositives;
    const quiet = complement(noisy, n);
    const mn = matchBeats(reference, found.samples, rec.fs, [...excluded, ...quiet]);
    t.noisyTp += mn.truePositives;
    t.noisyFn += mn.falseNegatives;
    t.noisyFp += mn.falsePositives;
    const marked = unreadable.reduce((s, u) => s + (u.end - u.start), 0);
    t.samples += n;
    t.unanalysable += marked;
    t.noisySamples += noisy.reduce((s, r) => s + (r.end - r.start), 0);
    t.noisyUnanalysable += overlap(unreadable, noisy);
    for (const u of unreadable) t.reasons.set(u.reason, (t.reasons.get(u.reason) ?? 0) + (u.end - u.start));
    if (found.classes) {
      const k = found.samples.length;
      const classes = found.classes;
      const isV = (j: number): boolean => classes[j] === 'V';
      for (let j = 0; j < k; j++) {
        const i = m.detectedToReference[j];
        if (i === undefined || m.detectedExcluded[j]) continue;
        const v = isV(j);
        if (v) t.vCalled++;
        if (v && i >= 0 && beats[i].aami === 'V') t.vTrue++;
        if (v && i < 0) t.vOnFalseDetections++;
      }
      for (let i = 0; i < beats.length; i++) {
        if (m.referenceExcluded[i] || beats[i].aami !== 'V') continue;
        t.vReference++;
        const j = m.referenceToDetected[i];
        if (j >= 0 && isV(j)) t.vFound++;
      }
    }
    rows.push(
      `${id}\t${snr}\t${(100 * m.truePositives) / Math.max(1, m.truePositives + m.falseNegatives)}\t` +
        `${(100 * m.truePositives) / Math.max(1, m.truePositives + m.falsePositives)}\t${((100 * marked) / n).toFixed(1)}`,
    );
  }
}

const pct = (a: number, b: number): string => (b === 0 ? '  n/a' : ((100 * a) / b).toFixed(2));
console.log(
  `noise stress: ${ids.length} records of ${dir}, noise ${kind} (seed ${seed}), model ${modelVersion}, ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s`,
);
console.log(
  'SNR dB  QRS Se  QRS +P  (noisy: Se    +P)   unanalysable % (of noisy %)  VEB Se  VEB +P  false V (on noise)  reasons (s)',
);
const summary: Record<string, unknown>[] = [];
for (const snr of snrs) {
  const t = totals.get(snr) as Tally;
  const reasons = [...t.reasons].map(([r, s]) => `${r} ${(s / 360).toFixed(0)}`).join(', ');
  console.log(
    `${String(snr).padStart(6)}  ${pct(t.tp, t.tp + t.fn)}  ${pct(t.tp, t.tp + t.fp)}  ` +
      `(${pct(t.noisyTp, t.noisyTp + t.noisyFn)}  ${pct(t.noisyTp, t.noisyTp + t.noisyFp)})  ` +
      `${pct(t.unanalysable, t.samples).padStart(6)} (${pct(t.noisyUnanalysable, t.noisySamples)})` +
      `           ${pct(t.vFound, t.vReference)}  ${pct(t.vTrue, t.vCalled)}  ` +
      `${String(t.vCalled - t.vTrue).padStart(7)} (${String(t.vOnFalseDetections).padStart(6)})    ${reasons}`,
  );
  summary.push({
    snrDb: snr,
    qrsSe: (100 * t.tp) / (t.tp + t.fn),
    qrsPpv: (100 * t.tp) / (t.tp + t.fp),
    noisySe: (100 * t.noisyTp) / (t.noisyTp + t.noisyFn),
    noisyPpv: (100 * t.noisyTp) / (t.noisyTp + t.noisyFp),
    unanalysablePct: (100 * t.unanalysable) / t.samples,
    noisyUnanalysablePct: (100 * t.noisyUnanalysable) / t.noisySamples,
    vebSe: t.vReference ? (100 * t.vFound) / t.vReference : null,
    vebPpv: t.vCalled ? (100 * t.vTrue) / t.vCalled : null,
    falseV: t.vCalled - t.vTrue,
    falseVOnFalseDetections: t.vOnFalseDetections,
  });
}
if (process.env.NOISE_BENCH_ROWS) console.log(rows.join('\n'));
console.log(JSON.stringify({ kind, seed, model: modelVersion, records: ids.length, bySnr: summary }));
await predictor?.dispose();
