/**
 * Ectopic beats of one class (V or S) grouped into stretches of consecutive beats of that class:
 * one beat is isolated, two a couplet, three or more a run (three exactly is also a triplet). Two
 * beats are consecutive only when the RR interval between them is known: an unanalysable stretch
 * between them ends the stretch (a beat may have been missed there).
 */
import { REPORT_EVENT_LIST_LIMIT, type AamiClass, type BeatRun, type Ectopy } from '@holterflow/contracts';
import type { PreparedSequence } from './beat-sequence.js';

/** A maximal stretch of consecutive beats of one class: beat indices [first, last]. */
export interface Stretch {
  first: number;
  last: number;
}

export function classStretches(p: PreparedSequence, cls: AamiClass): Stretch[] {
  const out: Stretch[] = [];
  const n = p.classes.length;
  let i = 0;
  while (i < n) {
    if (p.classes[i] !== cls) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < n && p.classes[j + 1] === cls && Number.isFinite(p.rrS[j + 1])) j++;
    out.push({ first: i, last: j });
    i = j + 1;
  }
  return out;
}

/** Rate of a stretch of two or more beats: 60 / mean RR between its beats. */
export function stretchRun(p: PreparedSequence, s: Stretch): BeatRun {
  const startS = p.timeS[s.first];
  const endS = p.timeS[s.last];
  const beats = s.last - s.first + 1;
  return { startS, endS, beats, rateBpm: (60 * (beats - 1)) / (endS - startS) };
}

const longer = (a: BeatRun, b: BeatRun) => b.beats - a.beats || b.rateBpm - a.rateBpm;
const faster = (a: BeatRun, b: BeatRun) => b.rateBpm - a.rateBpm || b.beats - a.beats;

export function ectopy(p: PreparedSequence, cls: 'V' | 'S'): Ectopy {
  const stretches = classStretches(p, cls);
  let isolated = 0;
  let triplets = 0;
  let beats = 0;
  const couplets: BeatRun[] = [];
  const runs: BeatRun[] = [];
  for (const s of stretches) {
    const len = s.last - s.first + 1;
    beats += len;
    if (len === 1) isolated++;
    else if (len === 2) couplets.push(stretchRun(p, s));
    else {
      if (len === 3) triplets++;
      runs.push(stretchRun(p, s));
    }
  }
  const byLength = [...runs].sort(longer);
  return {
    beats,
    isolated,
    couplets: couplets.length,
    triplets,
    runs: {
      count: runs.length,
      beats: runs.reduce((sum, r) => sum + r.beats, 0),
      longest: byLength[0] ?? null,
      fastest: [...runs].sort(faster)[0] ?? null,
      list: byLength.slice(0, REPORT_EVENT_LIST_LIMIT),
    },
    couplet: { fastest: couplets.sort(faster)[0] ?? null },
  };
}
