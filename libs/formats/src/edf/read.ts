/** EDF / EDF+ data records → per-signal physical values, each signal at its own rate. */
import { RecordInputError } from '@holterflow/contracts';
import { EDF_ANNOTATIONS_LABEL, parseRecordTals, type EdfAnnotation } from './annotations.js';
import { parseEdfHeader, type EdfHeader, type EdfSignalHeader } from './header.js';
import { voltageToMillivolts } from '../units.js';

export interface EdfSignal {
  header: EdfSignalHeader;
  label: string;
  /** This signal's own sampling rate in Hz (samples per record / record duration). */
  fs: number;
  /** Physical values; in mV when `units` is "mV" (voltages are converted), else in the file's unit. */
  samples: Float32Array;
  units: string;
}

export interface EdfFile {
  header: EdfHeader;
  /** Every ordinary signal, in file order ("EDF Annotations" signals excluded). */
  signals: EdfSignal[];
  /** EDF+ annotations with text (onsets in seconds). */
  annotations: EdfAnnotation[];
}

export function readEdf(bytes: Uint8Array, recordId: string, file: string): EdfFile {
  const header = parseEdfHeader(bytes, recordId, file);
  const fail = (problem: string): never => {
    throw new RecordInputError(recordId, problem, file);
  };
  const ns = header.signals.length;
  const isAnnotation = header.signals.map((s) => header.isEdfPlus && s.label === EDF_ANNOTATIONS_LABEL);
  const offsets: number[] = [];
  let recordBytes = 0;
  for (const s of header.signals) {
    offsets.push(recordBytes);
    recordBytes += 2 * s.samplesPerRecord;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  const signals: EdfSignal[] = [];
  for (let k = 0; k < ns; k++) {
    if (isAnnotation[k]) continue;
    const h = header.signals[k];
    const toMv = voltageToMillivolts(h.physicalDimension);
    // physical = (digital - digitalMin) * gain + physicalMin, then to mV for voltages.
    const gain = (h.physicalMax - h.physicalMin) / (h.digitalMax - h.digitalMin);
    const scale = gain * (toMv ?? 1);
    const offset = (h.physicalMin - h.digitalMin * gain) * (toMv ?? 1);
    const samples = new Float32Array(header.numRecords * h.samplesPerRecord);
    for (let r = 0, i = 0; r < header.numRecords; r++) {
      let pos = header.headerBytes + r * recordBytes + offsets[k];
      for (let j = 0; j < h.samplesPerRecord; j++, pos += 2)
        samples[i++] = view.getInt16(pos, true) * scale + offset;
    }
    signals.push({
      header: h,
      label: h.label,
      fs: h.samplesPerRecord / header.recordDuration,
      samples,
      units: toMv !== undefined ? 'mV' : h.physicalDimension,
    });
  }

  const annotations: EdfAnnotation[] = [];
  const annIndex = isAnnotation.indexOf(true);
  if (annIndex >= 0) {
    for (let r = 0; r < header.numRecords; r++) {
      const start = header.headerBytes + r * recordBytes + offsets[annIndex];
      const tals = parseRecordTals(
        bytes.subarray(start, start + 2 * header.signals[annIndex].samplesPerRecord),
      );
      annotations.push(...tals.annotations);
      // EDF+D may leave gaps between records; a canonical recording is one contiguous signal.
      const expected = r * header.recordDuration;
      if (
        !header.continuous &&
        tals.recordOnset !== undefined &&
        Math.abs(tals.recordOnset - expected) > 1e-6
      )
        fail(
          `discontinuous EDF+D recording: data record ${r + 1} starts at ${tals.recordOnset} s, not ${expected} s; ` +
            'split it into continuous EDF files',
        );
    }
  } else if (!header.continuous) {
    fail('EDF+D file without an "EDF Annotations" signal: record start times are unknown');
  }
  return { header, signals, annotations };
}
