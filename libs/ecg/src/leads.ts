/** The lead the model is trained on: MLII, else the first lead (MIT-BIH 102 and 104). */
export function primaryLeadOf(leads: readonly string[]): number {
  return Math.max(0, leads.indexOf('MLII'));
}

/** The lead read beside the primary: the first other one; none in a one-lead recording. */
export function secondLeadOf(leadCount: number, primary: number): number | undefined {
  for (let lead = 0; lead < leadCount; lead++) if (lead !== primary) return lead;
  return undefined;
}
