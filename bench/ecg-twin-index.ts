/**
 * The twin index (libs/ecg template-quality.ts) per one-second block, as preprocessLeads computes
 * it on the primary lead, over the 48 MIT-BIH records (clean) and over pure synthetic noise (both
 * kinds of evidence behind TWIN_LIMIT and TWIN_SPAN_BLOCKS): quantiles of the block index and the
 * share of blocks below the limit.
 *   node --import tsx bench/ecg-twin-index.ts [--data <mitdb dir>]
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWfdbRecord } from '@holterflow/formats';
import {
  BEAT_FS,
  detectBeats,
  detectQrsPeaks,
  primaryLeadOf,
  qrsFeature,
  synthesiseNoise,
  TWIN_LIMIT,
  twinIndex,
} from '@holterflow/ecg';
import { FULL_MITDB_DIR } from '../test/support/mitdb.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: FULL_MITDB_DIR } } });

/** The primary lead's block indices of a whole recording (blocks its quality calls signal). */
function blockIndices(signals: Float32Array[], fs: number, primary: number): Float64Array {
  const d = detectBeats(signals, fs, { primaryLead: primary });
  const x = d.pre.leads[primary] as Float32Array;
  const blocks = Math.floor(x.length / BEAT_FS);
  // Whole records from sample 0: block b is [b, b+1) s, 125 samples at 125 Hz.
  const bounds = Int32Array.from({ length: blocks + 1 }, (_, b) => b * BEAT_FS);
  const peaks = detectQrsPeaks({ ...qrsFeature(x), first: d.pre.first });
  return twinIndex(x, peaks, bounds, () => true);
}

function summary(label: string, all: number[]): string {
  const known = all.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const q = (p: number) => known[Math.floor(p * (known.length - 1))]?.toFixed(3) ?? '–';
  const below = known.filter((v) => v < TWIN_LIMIT).length;
  return `${label.padEnd(22)} blocks ${String(all.length).padStart(6)}  q0.1% ${q(0.001)}  q1% ${q(0.01)}  median ${q(0.5)}  below ${TWIN_LIMIT}: ${((100 * below) / Math.max(1, all.length)).toFixed(2)} %`;
}

const clean: number[] = [];
const worst: [string, number][] = [];
const ids = readdirSync(values.data)
  .filter((f) => f.endsWith('.hea'))
  .map((f) => f.replace(/\.hea$/, ''))
  .sort();
for (const id of ids) {
  const rec = readWfdbRecord(join(values.data, `${id}.hea`));
  const index = Array.from(blockIndices(rec.signals, rec.fs, primaryLeadOf(rec.leads)));
  clean.push(...index);
  worst.push([id, index.filter((v) => v < TWIN_LIMIT).length]);
}
console.log(`twin index per 1 s block, primary lead; limit ${TWIN_LIMIT}`);
console.log(summary(`clean MIT-BIH (${ids.length})`, clean));
console.log(
  `  blocks below the limit, by record: ${worst
    .filter(([, n]) => n > 0)
    .map(([id, n]) => `${id} ${n}`)
    .join(', ')}`,
);
const fs = 360;
for (const kind of ['em', 'ma', 'mixed'] as const) {
  const all: number[] = [];
  for (const seed of [1, 2, 3])
    all.push(...blockIndices([synthesiseNoise(kind, fs * 600, fs, seed).map((v) => 0.35 * v)], fs, 0));
  console.log(summary(`pure noise ${kind} (3 × 10 min)`, all));
}
