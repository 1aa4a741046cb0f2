/** Stable text for the JSON outputs (summary.json, evaluation.json, error.json): same value → same bytes. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
