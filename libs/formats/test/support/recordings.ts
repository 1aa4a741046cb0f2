/** Recordings for canonical-format tests. */
import { readWfdbRecord, type EcgRecording } from '@holterflow/formats';
import { FIXTURES } from './paths.js';

export function fixtureRecording(id = '100'): EcgRecording {
  const { recordId, fs, leads, signals, source } = readWfdbRecord(`${FIXTURES}${id}.hea`);
  return { recordId, fs, leads, signals, source };
}

/** Bit patterns, so that NaN, -0 and every float32 compare exactly. */
export function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}
