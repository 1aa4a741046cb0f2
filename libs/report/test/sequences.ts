/**
 * Hand-built beat sequences for the rhythm-rule tests: a class string ("NNVNNV") and the RR
 * interval before each beat, at 250 Hz, with gaps given in seconds.
 */
import type { AamiClass } from '@holterflow/contracts';
import { seededUniform } from '@holterflow/ecg';
import type { BeatSequence } from '@holterflow/report';

export const FS = 250;

export interface Built {
  seq: BeatSequence;
  /** Beat times in seconds. */
  times: number[];
}

/**
 * `rr` is the interval before beat i (seconds; a number means every interval), the first beat
 * at `startS`. The recording ends `tailS` after the last beat.
 */
export function build(
  classes: string | AamiClass[],
  rr: number | readonly number[],
  opts: { startS?: number; tailS?: number; gapsS?: { start: number; end: number }[] } = {},
): Built {
  const cls = (typeof classes === 'string' ? [...classes] : classes) as AamiClass[];
  const times: number[] = [];
  let t = opts.startS ?? 1;
  for (let i = 0; i < cls.length; i++) {
    if (i > 0) t += typeof rr === 'number' ? rr : rr[i];
    times.push(t);
  }
  const end = (times.at(-1) ?? 0) + (opts.tailS ?? 1);
  return {
    times,
    seq: {
      fs: FS,
      numSamples: Math.round(end * FS),
      samples: times.map((x) => Math.round(x * FS)),
      classes: cls,
      unanalysable: (opts.gapsS ?? []).map((g) => ({
        start: Math.round(g.start * FS),
        end: Math.round(g.end * FS),
      })),
    },
  };
}

/** Deterministic uniform numbers in [0, 1) (libs/ecg's mulberry32), so a test's "random" rhythm is fixed. */
export const seeded = seededUniform;

export function repeat(s: string, n: number): string {
  return s.repeat(n);
}
