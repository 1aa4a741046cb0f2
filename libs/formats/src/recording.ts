/** The in-memory recording every reader produces and the canonical writers consume. */
export interface EcgRecording {
  recordId: string;
  /** Sampling rate in Hz, shared by every lead. */
  fs: number;
  /** Lead names, one per signal, unique (they become column names). */
  leads: string[];
  /** One Float32Array per lead, in mV, all the same length; NaN marks an invalid sample. */
  signals: Float32Array[];
  /** ISO 8601 start when known. */
  start?: string;
  /** Provenance, e.g. "wfdb:212" or "edf+". */
  source: string;
}

export { voltageToMillivolts } from './units.js';

/** A signal of a source file left out of its recording, and why. */
export interface DroppedSignal {
  label: string;
  /** Its sampling rate in Hz. */
  fs: number;
  reason: string;
}
