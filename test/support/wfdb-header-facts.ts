/**
 * What a WFDB header states about its record, parsed here independently of libs/formats (with
 * only the fields MIT-BIH uses), so tests compare the ingested recording with the header itself
 * rather than with the reader under test.
 */
export interface HeaderFacts {
  samplesPerSignal: number;
  leads: string[];
  /** First sample of each signal in mV: (initial value - baseline) / gain. */
  firstValuesMv: number[];
}

export function headerFacts(text: string): HeaderFacts {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const [, nsig, , nsamp] = lines[0].split(/\s+/);
  const signals = lines.slice(1, 1 + Number(nsig)).map((line) => {
    const f = line.split(/\s+/);
    // gain field: "200" or "200(0)/mV"; without a (baseline) the baseline is the ADC zero.
    const m = /^([\d.]+)(?:\((-?\d+)\))?/.exec(f[2])!;
    const gain = Number(m[1]);
    const baseline = m[2] !== undefined ? Number(m[2]) : Number(f[4]);
    return { lead: f.slice(8).join(' '), first: (Number(f[5]) - baseline) / gain };
  });
  return {
    samplesPerSignal: Number(nsamp),
    leads: signals.map((s) => s.lead),
    firstValuesMv: signals.map((s) => s.first),
  };
}
