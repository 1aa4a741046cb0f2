/**
 * SMOTE cost at the seed's class sizes (Kaggle MIT-BIH training set: S 2,223, F 641, V 5,781,
 * Q 6,431 beats × 187; N 72,471 is the target): blocked brute-force kNN per class, then the
 * whole oversampling. With --data, the first beats of each class of a real beat dataset (where
 * partial-distance pruning works); without, uniform random beats (its worst case: in 187
 * dimensions all random distances are alike, so nothing is pruned).
 *   node --import tsx bench/training-smote.ts [--data .tmp/mitdb-beats.parquet]
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  BEAT_WIDTH,
  readBeatDataset,
  nearestNeighbours,
  SeededRandom,
  selectBeats,
  smote,
  type LabelledBeats,
} from '../libs/training/src/index.js';

const SIZES = [72_471, 2_223, 5_781, 641, 6_431];
const NAMES = ['N', 'S', 'V', 'F', 'Q'];
const { values } = parseArgs({ options: { data: { type: 'string' } } });

async function beatsAtSeedSizes(): Promise<LabelledBeats> {
  if (values.data) {
    const ds = await readBeatDataset(new Uint8Array(await readFile(values.data)), values.data);
    const picked: number[] = [];
    SIZES.forEach((m, c) => {
      const members = Array.from(ds.labels.keys()).filter((i) => ds.labels[i] === c);
      picked.push(...members.slice(0, m));
    });
    return selectBeats(ds, picked);
  }
  const rng = new SeededRandom(1);
  const n = SIZES.reduce((a, b) => a + b, 0);
  return {
    x: Float32Array.from({ length: n * BEAT_WIDTH }, () => rng.next()),
    labels: Int32Array.from(SIZES.flatMap((m, c) => new Array<number>(m).fill(c))),
  };
}

const beats = await beatsAtSeedSizes();
console.log(`beats: ${values.data ? `first of each class in ${values.data}` : 'uniform random'}`);
for (let c = 1; c < 5; c++) {
  const members = Array.from(beats.labels.keys()).filter((i) => beats.labels[i] === c);
  const own = selectBeats(beats, members);
  const t = performance.now();
  nearestNeighbours(own.x, members.length, 5);
  console.log(
    `kNN k=5 class ${NAMES[c]} (${members.length} × ${BEAT_WIDTH}): ${((performance.now() - t) / 1000).toFixed(2)} s`,
  );
}
const t = performance.now();
const out = smote(beats, { seed: 1 });
console.log(
  `SMOTE to ${out.labels.length} beats (${out.syntheticPerClass.reduce((a, b) => a + b)} synthetic): ` +
    `${((performance.now() - t) / 1000).toFixed(2)} s; load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
