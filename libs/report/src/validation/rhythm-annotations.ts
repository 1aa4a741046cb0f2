/**
 * Rhythm episodes from reference annotations (MIT-BIH style): a rhythm annotation (WFDB symbol
 * '+') carries its rhythm in the aux text, e.g. "(AFIB", "(B" (ventricular bigeminy), "(T"
 * (trigeminy), "(VT"; it lasts until the next rhythm annotation or the end of the record.
 */
export interface RhythmAnnotation {
  sample: number;
  symbol: string;
  aux: string;
}

export interface RhythmEpisode {
  rhythm: string;
  startS: number;
  endS: number;
}

export function rhythmEpisodes(
  annotations: readonly RhythmAnnotation[],
  fs: number,
  numSamples: number,
): RhythmEpisode[] {
  const changes = annotations
    .filter((a) => a.symbol === '+' && a.aux.startsWith('('))
    .sort((a, b) => a.sample - b.sample);
  return changes.map((a, i) => ({
    // Aux text may end in a NUL or spaces in some files.
    rhythm: a.aux.replace(/[\0\s]+$/g, '').slice(1),
    startS: a.sample / fs,
    endS: (i + 1 < changes.length ? changes[i + 1].sample : numSamples) / fs,
  }));
}

export function episodesOf(episodes: readonly RhythmEpisode[], rhythm: string): RhythmEpisode[] {
  return episodes.filter((e) => e.rhythm === rhythm);
}
