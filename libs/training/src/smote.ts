/**
 * SMOTE (Chawla et al. 2002) as the seed report used it: k = 5 nearest neighbours within each
 * minority class, new beats on the segment between a beat and one of its neighbours, until every
 * class has as many beats as the majority class. Apply it to the training part only — synthetic
 * beats in validation or test would score the model on interpolations of its own training beats.
 *
 * Rules for small classes (imbalanced-learn refuses them; a Holter training set can have them):
 * a class with m < k + 1 beats uses its m − 1 other beats as neighbours; a class with a single
 * beat is oversampled by copies of it (there is no segment to interpolate on); an empty class is
 * an error, because no number of synthetic beats can represent it.
 */
import { AAMI_CLASSES, RecordInputError } from '@holterflow/contracts';
import {
  BEAT_WIDTH as DEFAULT_WIDTH,
  CLASS_COUNT,
  countPerClass,
  selectBeats,
  type LabelledBeats,
} from './beats.js';
import { SeededRandom } from '@holterflow/ecg';

export interface SmoteOptions {
  /** Neighbours per beat (the seed's 5). */
  k?: number;
  seed: number;
  /** Beats per class after oversampling; default the majority class's count. */
  target?: number;
  /** Names the dataset in errors. */
  source?: string;
  /** Values per row (the seed CNN's 187-sample beats by default; feature rows of another model). */
  width?: number;
}

export interface SmoteResult extends LabelledBeats {
  /** The input beats come first, unchanged; synthetic beats follow, class by class. */
  originalCount: number;
  syntheticPerClass: number[];
  /** Neighbours actually used per class (min(k, m − 1)). */
  neighboursPerClass: number[];
}

/** Rows processed together in the distance loops: 64 rows × 187 floats ≈ 48 kB stays in L2. */
const BLOCK_ROWS = 64;
/** Samples summed between two pruning checks. */
const PRUNE_STRIDE = 24;

/**
 * The k nearest neighbours (squared Euclidean, self excluded) of each of the m rows of `x`,
 * nearest first: row i's neighbours are out[i*k .. i*k+k). Brute force over row blocks, each
 * pair's distance computed once and offered to both rows; ties keep the lower index.
 */
export function nearestNeighbours(x: Float32Array, m: number, k: number, width = DEFAULT_WIDTH): Int32Array {
  if (k < 1 || k > m - 1) throw new RangeError(`need 1 <= k <= m - 1 (k=${k}, m=${m})`);
  const dist = new Float64Array(m * k).fill(Infinity);
  const index = new Int32Array(m * k).fill(-1);
  const offer = (row: number, candidate: number, d: number) => {
    const base = row * k;
    if (!(d < dist[base + k - 1])) return;
    let p = k - 1;
    while (
      p > 0 &&
      (d < dist[base + p - 1] || (d === dist[base + p - 1] && candidate < index[base + p - 1]))
    ) {
      dist[base + p] = dist[base + p - 1];
      index[base + p] = index[base + p - 1];
      p--;
    }
    dist[base + p] = d;
    index[base + p] = candidate;
  };
  for (let ib = 0; ib < m; ib += BLOCK_ROWS) {
    const iEnd = Math.min(ib + BLOCK_ROWS, m);
    for (let jb = ib; jb < m; jb += BLOCK_ROWS) {
      const jEnd = Math.min(jb + BLOCK_ROWS, m);
      for (let i = ib; i < iEnd; i++) {
        const a = i * width;
        for (let j = Math.max(jb, i + 1); j < jEnd; j++) {
          const b = j * width;
          // Partial-distance pruning: once the running sum reaches both rows' current k-th
          // distance, neither row can take j (offer needs d < k-th), so the rest is skipped.
          // Exact: the neighbours are the same as without it, only found sooner.
          const bound = Math.max(dist[i * k + k - 1], dist[j * k + k - 1]);
          let d = 0;
          let t = 0;
          while (t < width) {
            const end = Math.min(t + PRUNE_STRIDE, width);
            for (; t < end; t++) {
              const diff = x[a + t] - x[b + t];
              d += diff * diff;
            }
            if (d >= bound) break;
          }
          if (d >= bound) continue;
          offer(i, j, d);
          offer(j, i, d);
        }
      }
    }
  }
  return index;
}

export function smote(beats: LabelledBeats, options: SmoteOptions): SmoteResult {
  const k = options.k ?? 5;
  const width = options.width ?? DEFAULT_WIDTH;
  const source = options.source ?? 'training set';
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`SMOTE k must be a positive integer, got ${k}`);
  const counts = countPerClass(beats.labels);
  const empty = counts.flatMap((c, i) => (c === 0 ? [AAMI_CLASSES[i]] : []));
  if (empty.length)
    throw new RecordInputError(
      source,
      `class ${empty.join(', ')} has no beats, so SMOTE cannot synthesise any; add records with such beats before training`,
    );
  const target = options.target ?? Math.max(...counts);
  const rng = new SeededRandom(options.seed);
  const synthetic = counts.map((m) => Math.max(0, target - m));
  const total = beats.labels.length + synthetic.reduce((a, b) => a + b, 0);
  const x = new Float32Array(total * width);
  const labels = new Int32Array(total);
  x.set(beats.x.subarray(0, beats.labels.length * width));
  labels.set(beats.labels);
  let at = beats.labels.length;
  const neighboursPerClass = new Array<number>(CLASS_COUNT).fill(0);

  for (let c = 0; c < CLASS_COUNT; c++) {
    const m = counts[c];
    const kc = Math.min(k, m - 1);
    neighboursPerClass[c] = kc;
    if (synthetic[c] === 0) continue;
    const members: number[] = [];
    for (let i = 0; i < beats.labels.length; i++) if (beats.labels[i] === c) members.push(i);
    const own = selectBeats(beats, members, width).x;
    const neighbours = kc > 0 ? nearestNeighbours(own, m, kc, width) : undefined;
    for (let s = 0; s < synthetic[c]; s++, at++) {
      const i = rng.int(m);
      const out = at * width;
      const a = i * width;
      if (!neighbours) {
        x.set(own.subarray(a, a + width), out);
      } else {
        const b = neighbours[i * kc + rng.int(kc)] * width;
        const lambda = rng.next();
        for (let t = 0; t < width; t++) x[out + t] = own[a + t] + lambda * (own[b + t] - own[a + t]);
      }
      labels[at] = c;
    }
  }
  return { x, labels, originalCount: beats.labels.length, syntheticPerClass: synthetic, neighboursPerClass };
}
