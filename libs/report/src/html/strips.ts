/**
 * Which ECG example strips a report shows: one per beat class present, the longest V run, the
 * fastest SV run, the longest pause and an AF onset. Each strip is STRIP_SECONDS of the primary
 * lead, drawn at 25 mm/s and 10 mm/mV (the paper scale cardiologists read).
 */
import { AAMI_CLASSES } from '@holterflow/contracts';
import type { HolterAnalysis } from '../rhythm/holter-report.js';

export const STRIP_SECONDS = 7;

export interface StripSpec {
  title: string;
  /** What the strip shows, with its time. */
  detail: string;
  startS: number;
  durationS: number;
  /** Which page the strip goes on: beat-class examples or events. */
  group: 'classes' | 'events';
}

const CLASS_NAMES: Record<string, string> = {
  N: 'N (normal and bundle-branch-block beats)',
  S: 'S (supraventricular ectopic)',
  V: 'V (ventricular ectopic)',
  F: 'F (fusion)',
  Q: 'Q (paced or unclassifiable)',
};

export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = String(Math.floor(s / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}

/** A strip around [from, to], STRIP_SECONDS long, kept inside the recording. */
function around(a: HolterAnalysis, from: number, to: number, lead = 1): number {
  const duration = a.prepared.durationS;
  const span = to - from;
  const start = span >= STRIP_SECONDS - 2 ? from - lead : (from + to) / 2 - STRIP_SECONDS / 2;
  return Math.max(0, Math.min(start, duration - STRIP_SECONDS));
}

export function chooseStrips(a: HolterAnalysis): StripSpec[] {
  const p = a.prepared;
  if (p.durationS < 1) return [];
  const durationS = Math.min(STRIP_SECONDS, p.durationS);
  const out: StripSpec[] = [];
  for (const cls of AAMI_CLASSES) {
    // The first beat of the class with a whole strip around it (the recording's first seconds
    // are often settling electrodes).
    let pick = -1;
    for (let i = 0; i < p.classes.length; i++)
      if (p.classes[i] === cls) {
        if (pick < 0) pick = i;
        if (p.timeS[i] >= STRIP_SECONDS) {
          pick = i;
          break;
        }
      }
    if (pick >= 0)
      out.push({
        title: `Class ${CLASS_NAMES[cls]}`,
        detail: `beat at ${clock(p.timeS[pick])}`,
        startS: around(a, p.timeS[pick], p.timeS[pick]),
        durationS,
        group: 'classes',
      });
  }
  const v = a.report.ventricular.runs.longest;
  if (v)
    out.push({
      title: 'Longest V run',
      detail: `${v.beats} beats at ${v.rateBpm.toFixed(0)} bpm, ${clock(v.startS)}`,
      startS: around(a, v.startS, v.endS),
      durationS,
      group: 'events',
    });
  const sv = a.report.supraventricular.runs.fastest;
  if (sv)
    out.push({
      title: 'Fastest SV run',
      detail: `${sv.beats} beats at ${sv.rateBpm.toFixed(0)} bpm, ${clock(sv.startS)}`,
      startS: around(a, sv.startS, sv.endS),
      durationS,
      group: 'events',
    });
  const pause = a.report.pauses.longest;
  if (pause)
    out.push({
      title: 'Longest pause',
      detail: `${pause.durationS.toFixed(2)} s at ${clock(pause.startS)}`,
      startS: around(a, pause.startS, pause.endS),
      durationS,
      group: 'events',
    });
  const af = a.afEpisodes[0];
  if (af)
    out.push({
      title: 'AF onset',
      detail: `episode of ${(af.durationS / 60).toFixed(1)} min from ${clock(af.startS)}`,
      startS: Math.max(0, Math.min(af.startS - 2, p.durationS - durationS)),
      durationS,
      group: 'events',
    });
  return out;
}
