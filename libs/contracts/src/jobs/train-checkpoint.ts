/**
 * The framing of a training checkpoint object (training/<jobId>/checkpoint/latest.bin):
 * "HFCKPT1\n", a little-endian uint32 header length, the JSON header, padding to 4 bytes, then
 * the typed arrays' raw bytes (libs/training checkpoint.ts writes and restores them). The header
 * alone says how far a job got (epochs done, per-epoch history, finished), so whoever reports on
 * a training job — the CLI's `train cancel`, the coordinator's GET /training/:version — reads it
 * here with two small range reads and without tfjs or the 1 MB of weights behind it.
 */
import type { TrainProgress } from './train.js';
import { keys } from '../keys.js';

export const TRAIN_CHECKPOINT_MAGIC = new TextEncoder().encode('HFCKPT1\n');
/** Magic plus the header length: the first read of a header-only decode. */
export const TRAIN_CHECKPOINT_PREAMBLE_BYTES = TRAIN_CHECKPOINT_MAGIC.length + 4;

/** The checkpoint a training job writes after every epoch and resumes from. */
export const trainCheckpointKey = (jobId: string) => `${keys.trainingCheckpoint(jobId)}latest.bin`;

/** The header's fields that describe progress (the rest are array references and optimizer state). */
export interface TrainCheckpointSummary {
  /** Epochs completed. */
  epoch: number;
  history: TrainProgress[];
  /** Early stopping fired or the last epoch ran. */
  finished: boolean;
}

/** Length of the JSON header, from the first TRAIN_CHECKPOINT_PREAMBLE_BYTES bytes. */
export function checkpointHeaderLength(preamble: Uint8Array, name = 'checkpoint'): number {
  if (
    preamble.length < TRAIN_CHECKPOINT_PREAMBLE_BYTES ||
    !TRAIN_CHECKPOINT_MAGIC.every((b, i) => preamble[i] === b)
  )
    throw new Error(`${name} is not a HolterFlow training checkpoint`);
  return new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength).getUint32(
    TRAIN_CHECKPOINT_MAGIC.length,
    true,
  );
}

/**
 * The JSON header as written, `reviver` applied (libs/training uses it to collect array
 * references). JSON has no Infinity, so the encoder writes {"$number": "Infinity"}; it is turned
 * back here.
 */
export function parseCheckpointHeader(
  headerBytes: Uint8Array,
  reviver?: (key: string, value: unknown) => unknown,
): unknown {
  return JSON.parse(new TextDecoder().decode(headerBytes), (key, value: unknown) => {
    const revived = reviver ? reviver(key, value) : value;
    if (revived && typeof revived === 'object' && '$number' in revived) return Infinity;
    return revived;
  });
}

/** The progress fields of a parsed header; throws naming the object when they are missing. */
export function checkpointSummary(header: unknown, name = 'checkpoint'): TrainCheckpointSummary {
  const h = header as Partial<TrainCheckpointSummary> | null;
  if (!h || typeof h.epoch !== 'number' || !Array.isArray(h.history) || typeof h.finished !== 'boolean')
    throw new Error(`${name} has no epoch, history and finished in its header`);
  return { epoch: h.epoch, history: h.history, finished: h.finished };
}
