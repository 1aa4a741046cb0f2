/**
 * Episode and duration sensitivity and positive predictivity in the sense of ANSI/AAMI EC57
 * (AF and other episode detectors): a reference episode is detected when a detected episode
 * overlaps it; a detected episode is true when it overlaps a reference episode. Duration Se is
 * the share of reference time covered by detections, duration +P the share of detected time
 * that is reference. Counts and seconds are returned so records can be pooled (gross figures).
 */
export interface Span {
  startS: number;
  endS: number;
}

export interface EpisodeMatch {
  reference: number;
  detected: number;
  referenceDetected: number;
  detectedTrue: number;
  referenceSeconds: number;
  detectedSeconds: number;
  overlapSeconds: number;
}

const overlaps = (a: Span, b: Span) => a.startS < b.endS && b.startS < a.endS;

function overlapSeconds(a: readonly Span[], b: readonly Span[]): number {
  let total = 0;
  for (const x of a)
    for (const y of b) total += Math.max(0, Math.min(x.endS, y.endS) - Math.max(x.startS, y.startS));
  return total;
}

export function matchEpisodes(reference: readonly Span[], detected: readonly Span[]): EpisodeMatch {
  const len = (s: readonly Span[]) => s.reduce((sum, e) => sum + (e.endS - e.startS), 0);
  return {
    reference: reference.length,
    detected: detected.length,
    referenceDetected: reference.filter((r) => detected.some((d) => overlaps(r, d))).length,
    detectedTrue: detected.filter((d) => reference.some((r) => overlaps(r, d))).length,
    referenceSeconds: len(reference),
    detectedSeconds: len(detected),
    overlapSeconds: overlapSeconds(reference, detected),
  };
}

export function pooled(matches: readonly EpisodeMatch[]): EpisodeMatch {
  const sum = (k: keyof EpisodeMatch) => matches.reduce((s, m) => s + m[k], 0);
  return {
    reference: sum('reference'),
    detected: sum('detected'),
    referenceDetected: sum('referenceDetected'),
    detectedTrue: sum('detectedTrue'),
    referenceSeconds: sum('referenceSeconds'),
    detectedSeconds: sum('detectedSeconds'),
    overlapSeconds: sum('overlapSeconds'),
  };
}

/** Percentages (null where the denominator is 0). */
export function rates(m: EpisodeMatch): {
  episodeSe: number | null;
  episodePp: number | null;
  durationSe: number | null;
  durationPp: number | null;
} {
  const pct = (a: number, b: number) => (b === 0 ? null : (100 * a) / b);
  return {
    episodeSe: pct(m.referenceDetected, m.reference),
    episodePp: pct(m.detectedTrue, m.detected),
    durationSe: pct(m.overlapSeconds, m.referenceSeconds),
    durationPp: pct(m.overlapSeconds, m.detectedSeconds),
  };
}
