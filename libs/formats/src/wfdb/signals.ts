/**
 * Decoding of WFDB signal files into physical units (mV).
 * Formats: https://physionet.org/physiotools/wag/signal-5.htm
 */
import { RecordInputError } from '@holterflow/contracts';
import { voltageToMillivolts } from '../units.js';
import type { WfdbHeader, WfdbSignalSpec } from './header.js';

/** Digital values WFDB uses to mark an invalid sample, per format; decoded to NaN. */
const INVALID_SAMPLE: Readonly<Record<number, number>> = {
  212: -2048,
  16: -32768,
  80: -128,
  310: -512,
  311: -512,
};

/** Bytes used by `n` consecutive samples of a format (for length checks). */
function bytesForSamples(format: number, n: number): number {
  switch (format) {
    case 212:
      return Math.ceil((n * 3) / 2);
    case 16:
      return n * 2;
    case 80:
      return n;
    case 310:
    case 311:
      return Math.ceil(n / 3) * 4;
    default:
      return NaN;
  }
}

/** The most samples of a format that `byteLength` bytes hold (inverse of bytesForSamples). */
function samplesInBytes(format: number, byteLength: number): number {
  switch (format) {
    case 212:
      return Math.floor((byteLength * 2) / 3);
    case 16:
      return Math.floor(byteLength / 2);
    case 80:
      return byteLength;
    case 310:
    case 311:
      return Math.floor(byteLength / 4) * 3;
    default:
      return 0;
  }
}

/** Decode a whole sample stream of one data file (all its signals interleaved). */
function decodeStream(format: number, bytes: Uint8Array, count: number): Int32Array {
  const out = new Int32Array(count);
  switch (format) {
    case 212: {
      for (let i = 0, b = 0; i < count; i += 2, b += 3) {
        const b0 = bytes[b];
        const b1 = bytes[b + 1];
        const v0 = b0 | ((b1 & 0x0f) << 8);
        out[i] = v0 > 2047 ? v0 - 4096 : v0;
        if (i + 1 < count) {
          const v1 = bytes[b + 2] | ((b1 & 0xf0) << 4);
          out[i + 1] = v1 > 2047 ? v1 - 4096 : v1;
        }
      }
      return out;
    }
    case 16: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    }
    case 80: {
      for (let i = 0; i < count; i++) out[i] = bytes[i] - 128;
      return out;
    }
    case 310: {
      // Three 10-bit samples in two little-endian 16-bit words; bit 0 of each word is unused.
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0, b = 0; i < count; i += 3, b += 4) {
        const w0 = view.getUint16(b, true);
        const w1 = view.getUint16(b + 2, true);
        const v = [(w0 >> 1) & 0x3ff, (w1 >> 1) & 0x3ff, ((w0 >> 11) & 0x1f) | (((w1 >> 11) & 0x1f) << 5)];
        for (let k = 0; k < 3 && i + k < count; k++) out[i + k] = v[k] > 511 ? v[k] - 1024 : v[k];
      }
      return out;
    }
    case 311: {
      // Three 10-bit samples in one little-endian 32-bit word (bits 0-9, 10-19, 20-29).
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0, b = 0; i < count; i += 3, b += 4) {
        const w = view.getUint32(b, true);
        for (let k = 0; k < 3 && i + k < count; k++) {
          const v = (w >>> (10 * k)) & 0x3ff;
          out[i + k] = v > 511 ? v - 1024 : v;
        }
      }
      return out;
    }
    default:
      throw new Error(`unsupported format ${format}`);
  }
}

export const SUPPORTED_WFDB_FORMATS: readonly number[] = [212, 16, 80, 310, 311];

export interface DecodedSignals {
  /** One array per header signal in physical units (NaN for WFDB invalid samples). */
  signals: Float32Array[];
  /** Unit of each array: "mV" for every voltage (converted), else the header's unit. */
  units: string[];
  samplesPerSignal: number;
}

/**
 * Decode all signals of a header from its data files.
 * @param readFile returns the bytes of a data file named in the header, or throws.
 */
export function decodeWfdbSignals(
  header: WfdbHeader,
  recordId: string,
  readFile: (fileName: string) => Uint8Array,
): DecodedSignals {
  const byFile = new Map<string, { spec: WfdbSignalSpec; index: number }[]>();
  header.signals.forEach((spec, index) => {
    const group = byFile.get(spec.fileName) ?? [];
    group.push({ spec, index });
    byFile.set(spec.fileName, group);
  });

  const signals: Float32Array[] = new Array(header.signals.length);
  const units = header.signals.map((s) => (voltageToMillivolts(s.units) !== undefined ? 'mV' : s.units));
  let samplesPerSignal = header.samplesPerSignal;
  for (const [fileName, group] of byFile) {
    const fail = (problem: string): never => {
      throw new RecordInputError(recordId, problem, fileName);
    };
    const format = group[0].spec.format;
    if (!SUPPORTED_WFDB_FORMATS.includes(format))
      fail(`unsupported WFDB signal format ${format} (supported: ${SUPPORTED_WFDB_FORMATS.join(', ')})`);
    if (group.some((g) => g.spec.format !== format)) fail('signals in one file use different formats');
    if (group.some((g) => g.spec.samplesPerFrame !== 1))
      fail('multi-frequency records (samples per frame > 1) are not supported');
    const all = readFile(fileName);
    const offset = group[0].spec.byteOffset;
    if (offset > all.byteLength)
      fail(`byte offset ${offset} is past the end of the file (${all.byteLength} bytes)`);
    const bytes = all.subarray(offset);
    const perFrame = group.length;

    // How many frames the bytes hold, whole frames only.
    const framesInFile = Math.floor(samplesInBytes(format, bytes.byteLength) / perFrame);
    if (samplesPerSignal === undefined) samplesPerSignal = framesInFile;
    if (framesInFile < samplesPerSignal) {
      fail(
        `data file is truncated: header says ${samplesPerSignal} samples per signal ` +
          `(${bytesForSamples(format, samplesPerSignal * perFrame)} bytes) but the file holds ${framesInFile} ` +
          `(${bytes.byteLength} bytes)`,
      );
    }
    const expectedBytes = bytesForSamples(format, samplesPerSignal * perFrame);
    if (bytes.byteLength > expectedBytes + bytesForSamples(format, perFrame)) {
      fail(
        `header/data length mismatch: header says ${samplesPerSignal} samples per signal ` +
          `(${expectedBytes} bytes) but the file has ${bytes.byteLength} bytes (${framesInFile} samples per signal)`,
      );
    }

    const stream = decodeStream(format, bytes, samplesPerSignal * perFrame);
    const invalid = INVALID_SAMPLE[format];
    group.forEach(({ spec, index }, k) => {
      // Divide by the gain as WFDB's aduphys does (a precomputed 1/gain can differ in the last bit).
      const toMv = voltageToMillivolts(spec.units) ?? 1;
      const out = new Float32Array(samplesPerSignal!);
      let sum = 0;
      for (let i = 0, j = k; i < samplesPerSignal!; i++, j += perFrame) {
        const d = stream[j];
        sum = (sum + d) | 0;
        out[i] = d === invalid ? NaN : ((d - spec.baseline) / spec.gain) * toMv;
      }
      // The header checksum is the 16-bit sum of all digital samples: a mismatch means the data
      // file is corrupt or belongs to another record, and classifying it would give wrong beats.
      const checksum = (sum << 16) >> 16;
      if (spec.checksum !== undefined && header.samplesPerSignal !== undefined && checksum !== spec.checksum)
        fail(
          `signal ${spec.description}: checksum ${checksum} does not match the header's ${spec.checksum} ` +
            '(the data file is corrupt or belongs to another record)',
        );
      signals[index] = out;
    });
  }
  return { signals, units, samplesPerSignal: samplesPerSignal ?? 0 };
}
