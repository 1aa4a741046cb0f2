/**
 * A canonical recording has one sampling rate. EDF files carry each signal at its own rate, often
 * with non-ECG channels (EEG, respiration, SpO2...). This picks the ECG signals at the most common
 * ECG rate and says what it dropped and why, without resampling anything.
 */
import { RecordInputError } from '@holterflow/contracts';
import type { DroppedSignal, EcgRecording } from '../recording.js';
import { readEdf, type EdfFile, type EdfSignal } from './read.js';

export interface EcgSelection {
  fs: number;
  signals: EdfSignal[];
  dropped: DroppedSignal[];
}

/** Labels that say ECG/EKG ("ECG II" as EDF+ writes it, "ECG1", "EKG-V5") or are a standard lead name. */
const ECG_LABEL = /ECG|EKG|^(I|II|III|aVR|aVL|aVF|V[1-6]|MLI|MLII|MLIII|ML[1-3])$/i;

export function isEcgLabel(label: string): boolean {
  return ECG_LABEL.test(label.trim());
}

export function selectEcgSignals(edf: EdfFile, recordId: string, file: string): EcgSelection {
  const dropped: DroppedSignal[] = [];
  const ecg: EdfSignal[] = [];
  for (const s of edf.signals) {
    if (s.units !== 'mV')
      dropped.push({ label: s.label, fs: s.fs, reason: `unit "${s.units}" is not a voltage` });
    else if (!isEcgLabel(s.label))
      dropped.push({ label: s.label, fs: s.fs, reason: 'label does not name an ECG lead' });
    else ecg.push(s);
  }
  if (ecg.length === 0)
    throw new RecordInputError(
      recordId,
      `no ECG signal found (signals: ${edf.signals.map((s) => `"${s.label}" ${s.units}`).join(', ') || 'none'}); ` +
        'ECG labels contain ECG/EKG or a lead name (I, II, V1, MLII...) and their unit is uV, mV or V',
      file,
    );
  // The most common rate; ties go to the higher rate (more detail for QRS detection).
  const counts = new Map<number, number>();
  for (const s of ecg) counts.set(s.fs, (counts.get(s.fs) ?? 0) + 1);
  const fs = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
  const signals: EdfSignal[] = [];
  for (const s of ecg) {
    if (s.fs === fs) signals.push(s);
    else
      dropped.push({
        label: s.label,
        fs: s.fs,
        reason: `sampled at ${s.fs} Hz, not the recording's ${fs} Hz`,
      });
  }
  return { fs, signals, dropped };
}

export interface EdfRecording extends EcgRecording {
  /** Signals of the file left out of the recording, with the reason. */
  dropped: DroppedSignal[];
}

/** An EDF/EDF+ file as a canonical recording: its ECG leads at one rate, in mV. */
export function readEdfRecording(
  recordId: string,
  bytes: Uint8Array,
  file = `${recordId}.edf`,
): EdfRecording {
  const edf = readEdf(bytes, recordId, file);
  const { fs, signals, dropped } = selectEcgSignals(edf, recordId, file);
  const leads = uniqueNames(signals.map((s) => s.label.replace(/^(ECG|EKG)\s+/i, '') || s.label));
  return {
    recordId,
    fs,
    leads,
    signals: signals.map((s) => s.samples),
    ...(edf.header.start ? { start: edf.header.start } : {}),
    source: edf.header.isEdfPlus ? 'edf+' : 'edf',
    dropped,
  };
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}_${k}`;
  });
}
