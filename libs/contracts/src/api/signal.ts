/**
 * GET /runs/{runId}/records/{recordId}/signal: the ECG of a record by time range, as the
 * coordinator sends it and the console's viewer reads it.
 */

export interface SignalAnswer {
  runId: string;
  recordId: string;
  fs: number;
  leads: string[];
  /** The range answered, in seconds ([start, end), end cut to the recording's length). */
  startS: number;
  endS: number;
  durationS: number;
  /**
   * Samples per point: 1 means every sample; above 1 each bucket of `step` samples is sent as its
   * minimum then its maximum (two points, `step / 2` samples apart).
   */
  step: number;
  /** Per lead, in mV, rounded to the µV; null for a missing (NaN) sample. */
  values: (number | null)[][];
  /** Beats whose R-peak is in the range (null before the record is summarized). */
  beats: { timeS: number[]; classes: string } | null;
  /** Stretches where no lead is readable, overlapping the range (seconds). */
  unanalysable: { startS: number; endS: number; reason: string }[] | null;
}
