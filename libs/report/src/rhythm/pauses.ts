/**
 * Pauses: RR intervals of at least the threshold (2.0 s by default, RunOptions.report). Only
 * known RR intervals count: two beats with an unanalysable stretch between them are not a pause,
 * since beats may have been missed in the stretch.
 */
import { REPORT_EVENT_LIST_LIMIT, type Pause, type Pauses } from '@holterflow/contracts';
import type { PreparedSequence } from './beat-sequence.js';

export function findPauses(p: PreparedSequence, thresholdSeconds: number): Pause[] {
  const out: Pause[] = [];
  for (let i = 1; i < p.rrS.length; i++) {
    const rr = p.rrS[i];
    if (rr >= thresholdSeconds) out.push({ startS: p.timeS[i - 1], endS: p.timeS[i], durationS: rr });
  }
  return out;
}

export function pauseStats(pauses: readonly Pause[], thresholdSeconds: number): Pauses {
  const byLength = [...pauses].sort((a, b) => b.durationS - a.durationS);
  return {
    thresholdSeconds,
    count: pauses.length,
    longest: byLength[0] ?? null,
    list: byLength.slice(0, REPORT_EVENT_LIST_LIMIT),
  };
}
