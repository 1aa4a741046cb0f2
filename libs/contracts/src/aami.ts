/**
 * AAMI EC57 beat classes and the map from WFDB beat annotation codes to them.
 * The class order is the model's output order (index 0..4) and must never change.
 */
export const AAMI_CLASSES = ['N', 'S', 'V', 'F', 'Q'] as const;
export type AamiClass = (typeof AAMI_CLASSES)[number];

/** Class index as the model emits it. */
export const AAMI_INDEX: Readonly<Record<AamiClass, number>> = { N: 0, S: 1, V: 2, F: 3, Q: 4 };

/**
 * WFDB beat symbols grouped per ANSI/AAMI EC57:2012 (and de Chazal et al. 2004).
 * Symbols not listed here are not beats (rhythm, noise and comment annotations).
 */
const WFDB_TO_AAMI: Readonly<Record<string, AamiClass>> = {
  N: 'N',
  L: 'N',
  R: 'N',
  e: 'N',
  j: 'N',
  A: 'S',
  a: 'S',
  J: 'S',
  S: 'S',
  V: 'V',
  E: 'V',
  F: 'F',
  '/': 'Q',
  f: 'Q',
  Q: 'Q',
};

/** The AAMI class of a WFDB annotation symbol, or undefined when the symbol is not a beat. */
export function aamiClassOf(wfdbSymbol: string): AamiClass | undefined {
  return WFDB_TO_AAMI[wfdbSymbol];
}

export function isAamiClass(value: unknown): value is AamiClass {
  return typeof value === 'string' && (AAMI_CLASSES as readonly string[]).includes(value);
}
