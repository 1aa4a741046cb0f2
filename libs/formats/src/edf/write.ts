/**
 * A small EDF / EDF+C writer: for tests (generated files with known content) and for users who
 * convert a recording to EDF. Samples are quantised to 16 bits over [physicalMin, physicalMax].
 */
import { EDF_ANNOTATIONS_LABEL, type EdfAnnotation } from './annotations.js';
import { EDF_FIXED_HEADER_BYTES, EDF_SIGNAL_HEADER_BYTES } from './header.js';

export interface EdfWriteSignal {
  label: string;
  /** Samples per second; fs × recordDuration must be a whole number. */
  fs: number;
  /** Physical values in `physicalDimension`. */
  samples: ArrayLike<number>;
  physicalDimension?: string;
  /** Defaults: the samples' range (widened when flat). */
  physicalMin?: number;
  physicalMax?: number;
  digitalMin?: number;
  digitalMax?: number;
  transducer?: string;
  prefiltering?: string;
}

export interface EdfWriteOptions {
  patientId?: string;
  recordingId?: string;
  /** Local start time; default 01.01.85 00.00.00 (EDF's earliest date). */
  start?: Date;
  /** Seconds per data record (default 1). */
  recordDuration?: number;
  /** Write EDF+C with an "EDF Annotations" signal (time-keeping TALs plus `annotations`). */
  edfPlus?: boolean;
  annotations?: EdfAnnotation[];
  /** Bytes per record for the annotation signal (default 120, enough for a few short texts). */
  annotationBytesPerRecord?: number;
}

/**
 * The last data record is padded with each signal's last value when a signal does not fill it
 * (EDF has no partial records).
 */
export function writeEdf(signals: readonly EdfWriteSignal[], opts: EdfWriteOptions = {}): Uint8Array {
  const duration = opts.recordDuration ?? 1;
  const spr = signals.map((s) => {
    const n = s.fs * duration;
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`signal ${s.label}: ${s.fs} Hz × ${duration} s is not a whole number of samples`);
    return n;
  });
  const numRecords = Math.max(1, ...signals.map((s, i) => Math.ceil(s.samples.length / spr[i])));
  const annBytes = opts.annotationBytesPerRecord ?? 120;
  const tals = opts.edfPlus ? annotationRecords(numRecords, duration, opts.annotations ?? [], annBytes) : [];

  const heads = signals.map((s) => {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < s.samples.length; i++) {
      min = Math.min(min, s.samples[i]);
      max = Math.max(max, s.samples[i]);
    }
    if (!(min < max)) [min, max] = [Number.isFinite(min) ? min - 1 : -1, Number.isFinite(max) ? max + 1 : 1];
    return {
      label: s.label,
      transducer: s.transducer ?? '',
      dimension: s.physicalDimension ?? 'mV',
      physMin: s.physicalMin ?? min,
      physMax: s.physicalMax ?? max,
      digMin: s.digitalMin ?? -32768,
      digMax: s.digitalMax ?? 32767,
      prefiltering: s.prefiltering ?? '',
    };
  });
  const allHeads = opts.edfPlus
    ? [
        ...heads,
        {
          label: EDF_ANNOTATIONS_LABEL,
          transducer: '',
          dimension: '',
          physMin: -1,
          physMax: 1,
          digMin: -32768,
          digMax: 32767,
          prefiltering: '',
        },
      ]
    : heads;
  const allSpr = opts.edfPlus ? [...spr, annBytes / 2] : spr;
  const ns = allHeads.length;
  const headerBytes = EDF_FIXED_HEADER_BYTES + ns * EDF_SIGNAL_HEADER_BYTES;
  const recordBytes = 2 * allSpr.reduce((a, b) => a + b, 0);
  const out = new Uint8Array(headerBytes + numRecords * recordBytes);

  let pos = 0;
  const put = (text: string, width: number) => {
    const field = text.length > width ? text.slice(0, width) : text.padEnd(width, ' ');
    for (let i = 0; i < width; i++) out[pos + i] = field.charCodeAt(i) & 0xff;
    pos += width;
  };
  const start = opts.start ?? new Date(1985, 0, 1);
  const two = (n: number) => String(n).padStart(2, '0');
  put('0', 8);
  put(opts.patientId ?? (opts.edfPlus ? 'X X X X' : ''), 80);
  put(
    opts.recordingId ??
      (opts.edfPlus
        ? `Startdate ${two(start.getDate())}-${MONTHS[start.getMonth()]}-${start.getFullYear()} X X X`
        : ''),
    80,
  );
  put(`${two(start.getDate())}.${two(start.getMonth() + 1)}.${two(start.getFullYear() % 100)}`, 8);
  put(`${two(start.getHours())}.${two(start.getMinutes())}.${two(start.getSeconds())}`, 8);
  put(String(headerBytes), 8);
  put(opts.edfPlus ? 'EDF+C' : '', 44);
  put(String(numRecords), 8);
  put(formatNumber(duration), 8);
  put(String(ns), 4);
  for (const h of allHeads) put(h.label, 16);
  for (const h of allHeads) put(h.transducer, 80);
  for (const h of allHeads) put(h.dimension, 8);
  for (const h of allHeads) put(formatNumber(h.physMin), 8);
  for (const h of allHeads) put(formatNumber(h.physMax), 8);
  for (const h of allHeads) put(String(h.digMin), 8);
  for (const h of allHeads) put(String(h.digMax), 8);
  for (const h of allHeads) put(h.prefiltering, 80);
  for (const n of allSpr) put(String(n), 8);
  for (let k = 0; k < ns; k++) put('', 32);

  const view = new DataView(out.buffer);
  for (let r = 0; r < numRecords; r++) {
    signals.forEach((s, k) => {
      const h = heads[k];
      // The header stores physical limits as 8-character text: scale with the stored values,
      // so that a reader's (d - digMin) * gain + physMin reproduces the quantised value.
      const physMin = Number(formatNumber(h.physMin));
      const physMax = Number(formatNumber(h.physMax));
      const perUnit = (h.digMax - h.digMin) / (physMax - physMin);
      for (let j = 0; j < spr[k]; j++) {
        const i = Math.min(r * spr[k] + j, s.samples.length - 1);
        const v = s.samples.length ? s.samples[i] : 0;
        const d = Math.round((v - physMin) * perUnit + h.digMin);
        view.setInt16(pos, Math.max(h.digMin, Math.min(h.digMax, d)), true);
        pos += 2;
      }
    });
    if (opts.edfPlus) {
      out.set(tals[r], pos);
      pos += annBytes;
    }
  }
  return out;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** A number in at most 8 characters (EDF header fields are 8 ASCII characters). */
function formatNumber(v: number): string {
  for (let digits = 8; digits >= 0; digits--) {
    const text = String(Number(v.toFixed(digits)));
    if (text.length <= 8) return text;
  }
  throw new RangeError(`${v} does not fit an 8-character EDF field`);
}

/** Time-keeping TAL for every record, plus each annotation in the record where its onset falls. */
function annotationRecords(
  numRecords: number,
  duration: number,
  annotations: readonly EdfAnnotation[],
  bytesPerRecord: number,
): Uint8Array[] {
  const encoder = new TextEncoder();
  return Array.from({ length: numRecords }, (_, r) => {
    let text = `+${formatNumber(r * duration)}\x14\x14\0`;
    for (const a of annotations) {
      if (Math.min(Math.floor(a.onset / duration), numRecords - 1) !== r) continue;
      const onset = `${a.onset >= 0 ? '+' : ''}${a.onset}`;
      text += `${onset}${a.duration !== undefined ? `\x15${a.duration}` : ''}\x14${a.text}\x14\0`;
    }
    const bytes = encoder.encode(text);
    if (bytes.byteLength > bytesPerRecord)
      throw new RangeError(
        `annotations of data record ${r} need ${bytes.byteLength} bytes; raise annotationBytesPerRecord`,
      );
    const padded = new Uint8Array(bytesPerRecord);
    padded.set(bytes);
    return padded;
  });
}
