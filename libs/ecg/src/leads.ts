/** The lead the model is trained on: MLII, else the first lead (MIT-BIH 102 and 104). */
export function primaryLeadOf(leads: readonly string[]): number {
  return Math.max(0, leads.indexOf('MLII'));
}
