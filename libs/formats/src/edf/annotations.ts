/**
 * EDF+ "EDF Annotations" signal: Time-stamped Annotation Lists (TALs).
 * Each TAL is `+onset[\x15duration]\x14text\x14...\x14\0`; the first TAL of every data record
 * has no text and gives that record's start time (seconds from the file start).
 */
export const EDF_ANNOTATIONS_LABEL = 'EDF Annotations';

export interface EdfAnnotation {
  /** Seconds from the start of the recording. */
  onset: number;
  duration?: number;
  text: string;
}

export interface RecordTals {
  /** Start of this data record in seconds (the time-keeping TAL); undefined when missing. */
  recordOnset: number | undefined;
  annotations: EdfAnnotation[];
}

export function parseRecordTals(bytes: Uint8Array): RecordTals {
  const text = new TextDecoder('utf-8').decode(bytes);
  let recordOnset: number | undefined;
  const annotations: EdfAnnotation[] = [];
  for (const tal of text.split('\0')) {
    if (tal === '' || (tal[0] !== '+' && tal[0] !== '-')) continue; // padding between TALs
    const parts = tal.split('\x14');
    const [onsetText, durationText] = parts[0].split('\x15');
    const onset = Number(onsetText);
    if (!Number.isFinite(onset)) continue;
    const texts = parts.slice(1).filter((t) => t !== '');
    if (texts.length === 0) {
      recordOnset ??= onset;
      continue;
    }
    const duration = durationText !== undefined && durationText !== '' ? Number(durationText) : undefined;
    for (const t of texts)
      annotations.push({ onset, ...(duration !== undefined ? { duration } : {}), text: t });
  }
  return { recordOnset, annotations };
}
