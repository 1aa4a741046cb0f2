/** Hand-built WFDB files for decode tests. */
export function files(entries: Record<string, string | Uint8Array | number[]>): Map<string, Uint8Array> {
  return new Map(
    Object.entries(entries).map(([name, v]) => [
      name,
      typeof v === 'string' ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v : Uint8Array.from(v),
    ]),
  );
}

/** The 16-bit WFDB checksum (sum of the digital samples) as the header writes it. */
export function checksum(values: readonly number[]): number {
  const sum = values.reduce((a, b) => (a + b) | 0, 0);
  return (sum << 16) >> 16;
}

/** Little-endian 16-bit words → bytes. */
export function words(...ws: number[]): number[] {
  return ws.flatMap((w) => [w & 0xff, (w >> 8) & 0xff]);
}
