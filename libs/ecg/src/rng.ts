/**
 * The project's one seeded PRNG (mulberry32): small, fast, and the same sequence on every machine
 * for a seed. Its whole state is one uint32, so a training checkpoint can store it and a resumed
 * run draws exactly the numbers an uninterrupted run would have drawn. The NST noise here
 * (noise-stress.ts), training's shuffles and SMOTE (libs/training), the fault harness's moments
 * (bench) and the report tests' rhythms all draw from it: change the algorithm and every seeded
 * output changes with it, measured noise-stress figures included.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The state to store in a checkpoint; `SeededRandom.fromState` continues the sequence. */
  getState(): number {
    return this.state;
  }

  static fromState(state: number): SeededRandom {
    return new SeededRandom(state);
  }

  /** Next uint32. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { [i: number]: number; length: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/** A SeededRandom's `next()` as a plain function: uniform in [0, 1), the same sequence for a seed. */
export function seededUniform(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}
