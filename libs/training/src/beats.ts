/**
 * The slice of libs/ecg's BeatDataset that training needs (their type is assignable to it), the
 * in-memory training set (beats back to back in one Float32Array), and the input checks that turn
 * a malformed dataset into an error a lab technician can act on.
 */
import { AAMI_CLASSES, RecordInputError } from '@holterflow/contracts';

export const BEAT_WIDTH = 187;
export const CLASS_COUNT = AAMI_CLASSES.length;

/** Beats as the dataset reader (dataset/parquet.ts) returns them (beat i is x[i*187 .. i*187+187)). */
export interface LabelledBeats {
  x: Float32Array;
  /** AAMI class index 0..4 (N, S, V, F, Q). */
  labels: Int32Array;
}

export interface BeatDatasetLike extends LabelledBeats {
  recordIds: string[];
}

/** Beats per class, in class order N, S, V, F, Q. */
export function countPerClass(labels: ArrayLike<number>): number[] {
  const counts = new Array<number>(CLASS_COUNT).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** The beats at `indices`, in that order (x and labels only). */
export function selectBeats(
  beats: LabelledBeats,
  indices: ArrayLike<number>,
  width = BEAT_WIDTH,
): LabelledBeats {
  const x = new Float32Array(indices.length * width);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(beats.x.subarray(j * width, (j + 1) * width), i * width);
    labels[i] = beats.labels[j];
  }
  return { x, labels };
}

/**
 * Checks width, labels and values; `source` names the dataset (file or object key) in the error.
 * Finds the first offending beat so the message points at it.
 */
export function assertTrainableBeats(beats: BeatDatasetLike | LabelledBeats, source: string): void {
  const fail = (problem: string): never => {
    throw new RecordInputError(source, problem);
  };
  const n = beats.labels.length;
  if (n === 0) fail('the beat dataset has no beats');
  if (beats.x.length !== n * BEAT_WIDTH) {
    const width = beats.x.length / n;
    fail(
      `beats are ${Number.isInteger(width) ? width : width.toFixed(2)} samples wide, the model needs ${BEAT_WIDTH} ` +
        `(x holds ${beats.x.length} values for ${n} beats): rebuild the dataset with the 125 Hz, ${BEAT_WIDTH}-sample cut`,
    );
  }
  const recordOf = (i: number) => ('recordIds' in beats ? ` (record ${beats.recordIds[i]})` : '');
  for (let i = 0; i < n; i++) {
    const label = beats.labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < CLASS_COUNT))
      fail(
        `beat ${i}${recordOf(i)} has class index ${label}; expected 0..${CLASS_COUNT - 1} (${AAMI_CLASSES.join(', ')})`,
      );
  }
  for (let k = 0; k < beats.x.length; k++) {
    if (!Number.isFinite(beats.x[k])) {
      const i = Math.floor(k / BEAT_WIDTH);
      fail(
        `beat ${i}${recordOf(i)} has a ${beats.x[k]} value at sample ${k % BEAT_WIDTH}; drop or re-cut that beat`,
      );
    }
  }
}

/** Every class must have beats in a part the model learns from or is scored on. */
export function assertEveryClassPresent(labels: ArrayLike<number>, source: string, part: string): void {
  const counts = countPerClass(labels);
  const empty = counts.flatMap((c, k) => (c === 0 ? [AAMI_CLASSES[k]] : []));
  if (empty.length)
    throw new RecordInputError(
      source,
      `the ${part} part has no beats of class ${empty.join(', ')} (counts ${AAMI_CLASSES.map((c, k) => `${c}=${counts[k]}`).join(' ')}); ` +
        'add records that contain them or use a protocol whose split keeps every class',
    );
}
