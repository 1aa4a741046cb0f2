/**
 * Bigeminy and trigeminy: an ectopic beat after every normal beat (N V N V ...) or after every
 * two (N N V N N V ...). A cycle is one isolated ectopic beat preceded by exactly the pattern's
 * normal beats (class N), all intervals in it known; an episode is a chain of cycles that follow
 * one another directly, reported when it has at least the stated minimum of cycles. The episode
 * runs from the first normal beat of its first cycle to the ectopic beat of its last.
 */
import { REPORT_EVENT_LIST_LIMIT, type PatternStats } from '@holterflow/contracts';
import type { PreparedSequence } from './beat-sequence.js';

type Cycle = { startS: number; endS: number; durationS: number; cycles: number };

/** Is beat j an isolated V whose preceding `normals` beats are N, with every interval known? */
function closesCycle(p: PreparedSequence, j: number, normals: number): boolean {
  const n = p.classes.length;
  if (j - normals < 0 || p.classes[j] !== 'V') return false;
  // Isolated: the next beat (when there is one, and it is contiguous) is not V.
  if (j + 1 < n && p.classes[j + 1] === 'V' && Number.isFinite(p.rrS[j + 1])) return false;
  for (let k = j - normals; k < j; k++) if (p.classes[k] !== 'N') return false;
  for (let k = j - normals + 1; k <= j; k++) if (!Number.isFinite(p.rrS[k])) return false;
  return true;
}

export function patternEpisodes(
  p: PreparedSequence,
  normalsPerCycle: 1 | 2,
  minCycles: number,
): PatternStats {
  const episodes: Cycle[] = [];
  const step = normalsPerCycle + 1;
  const n = p.classes.length;
  let j = normalsPerCycle;
  while (j < n) {
    if (!closesCycle(p, j, normalsPerCycle)) {
      j++;
      continue;
    }
    const first = j;
    let last = j;
    // The next cycle starts right after this V: its first normal beat must follow without a gap.
    while (
      last + step < n &&
      Number.isFinite(p.rrS[last + 1]) &&
      closesCycle(p, last + step, normalsPerCycle)
    )
      last += step;
    const cycles = (last - first) / step + 1;
    if (cycles >= minCycles) {
      const startS = p.timeS[first - normalsPerCycle];
      const endS = p.timeS[last];
      episodes.push({ startS, endS, durationS: endS - startS, cycles });
    }
    j = last + 1;
  }
  const byDuration = [...episodes].sort((a, b) => b.durationS - a.durationS);
  return {
    minCycles,
    count: episodes.length,
    totalSeconds: episodes.reduce((s, e) => s + e.durationS, 0),
    longest: byDuration[0] ?? null,
    list: byDuration.slice(0, REPORT_EVENT_LIST_LIMIT),
  };
}
