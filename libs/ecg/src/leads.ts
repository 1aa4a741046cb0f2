/**
 * Names of the lead the models are trained on, normalised (upper case, no spaces, dashes or
 * underscores, no "LEAD" prefix): MIT-BIH's modified limb lead II first, then lead II itself as
 * 12-lead and Holter recorders name it (INCART "II", European "D2"/"DII").
 */
const TRAINED_LEAD_NAMES = ['MLII', 'ML2', 'II', 'DII', 'D2'];

function normalisedLeadName(name: string): string {
  return name
    .toUpperCase()
    .replace(/[\s_-]+/g, '')
    .replace(/^LEAD/, '');
}

/**
 * The lead the model reads first: the one named like the trained lead (MLII, else lead II), else
 * the first lead (MIT-BIH 102 and 104; recorders that say "ECG1", "CH1" or nothing). Its quality
 * is judged next: where it is unreadable another lead stands in (libs/ecg preprocess.ts).
 */
export function primaryLeadOf(leads: readonly string[]): number {
  const names = leads.map(normalisedLeadName);
  for (const wanted of TRAINED_LEAD_NAMES) {
    const at = names.indexOf(wanted);
    if (at >= 0) return at;
  }
  return 0;
}

/** The lead read beside the primary: the first other one; none in a one-lead recording. */
export function secondLeadOf(leadCount: number, primary: number): number | undefined {
  for (let lead = 0; lead < leadCount; lead++) if (lead !== primary) return lead;
  return undefined;
}
