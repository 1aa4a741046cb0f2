/**
 * A training checkpoint as one binary object: "HFCKPT1\n", a little-endian uint32 header length,
 * the JSON header (numbers, history, and a {"$array": i} marker where each typed array was), padding
 * to 4 bytes, then the arrays' raw little-endian bytes back to back. JSON alone would bloat
 * 2 × 52k weights + 2 × 52k Adam moments and lose float32 exactness in text. The framing and the
 * header are libs/contracts' (train-checkpoint.ts), so progress can be read without tfjs.
 */
import {
  TRAIN_CHECKPOINT_MAGIC as MAGIC,
  checkpointHeaderLength,
  parseCheckpointHeader,
} from '@holterflow/contracts';
import type { TrainingCheckpoint } from './loop.js';

type ArrayRef = { $array: number; dtype: 'float32' | 'int32'; length: number };

export function encodeCheckpoint(checkpoint: TrainingCheckpoint): Uint8Array {
  const arrays: (Float32Array | Int32Array)[] = [];
  const header = JSON.stringify(checkpoint, (_key, value: unknown) => {
    if (value instanceof Float32Array || value instanceof Int32Array) {
      arrays.push(value);
      const ref: ArrayRef = {
        $array: arrays.length - 1,
        dtype: value instanceof Float32Array ? 'float32' : 'int32',
        length: value.length,
      };
      return ref;
    }
    // JSON has no Infinity; a checkpoint before any improvement holds valLoss = Infinity.
    if (value === Infinity) return { $number: 'Infinity' };
    return value;
  });
  const headerBytes = new TextEncoder().encode(header);
  const dataStart = align4(MAGIC.length + 4 + headerBytes.length);
  const total = dataStart + arrays.reduce((s, a) => s + a.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  out.set(headerBytes, MAGIC.length + 4);
  let at = dataStart;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, name = 'checkpoint'): TrainingCheckpoint {
  const headerLength = checkpointHeaderLength(bytes, name);
  const refs: ArrayRef[] = [];
  const parsed = parseCheckpointHeader(
    bytes.subarray(MAGIC.length + 4, MAGIC.length + 4 + headerLength),
    (_key, value: unknown) => {
      if (value && typeof value === 'object' && '$array' in value) refs.push(value as ArrayRef);
      return value;
    },
  ) as TrainingCheckpoint;
  // The data section holds the arrays in $array order.
  refs.sort((a, b) => a.$array - b.$array);
  let at = align4(MAGIC.length + 4 + headerLength);
  const arrays = refs.map((ref) => {
    const byteLength = ref.length * 4;
    if (at + byteLength > bytes.length) throw new Error(`${name} is truncated`);
    const copy = bytes.slice(at, at + byteLength);
    at += byteLength;
    return ref.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  });
  return restoreArrays(parsed, arrays) as TrainingCheckpoint;
}

function restoreArrays(value: unknown, arrays: (Float32Array | Int32Array)[]): unknown {
  if (Array.isArray(value)) return value.map((v) => restoreArrays(v, arrays));
  if (value && typeof value === 'object') {
    if ('$array' in value) return arrays[(value as ArrayRef).$array];
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreArrays(v, arrays)]));
  }
  return value;
}

const align4 = (n: number) => (n + 3) & ~3;
