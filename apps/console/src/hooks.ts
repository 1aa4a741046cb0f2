/** Loading data for a page: one fetch (optionally repeated), its result or its error. */
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () =>
      loadRef.current().then(
        (d) => {
          if (!live) return;
          setData(d);
          setError(undefined);
          if (pollMs) timer = setTimeout(run, pollMs);
        },
        (e: unknown) => {
          if (!live) return;
          setError(e instanceof Error ? e : new Error(String(e)));
          if (pollMs) timer = setTimeout(run, pollMs * 2);
        },
      );
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `load` is read through a ref: a new closure each render must not refetch.
  }, [...deps, tick, pollMs]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
