/**
 * The ECG viewer: every lead of a record, read by range through GET …/signal, with the beats
 * marked by class and the unanalysable stretches shaded; pan and zoom over the whole recording
 * (buttons, the position slider, the keyboard), and jumps to the next V beat / S beat / V run /
 * pause / AF onset. uPlot draws (the report uses it too): it redraws a 10 s strip in a few ms.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { HolterReport, SignalAnswer } from '@holterflow/contracts';
import { enc, request } from './api.js';
import { hms } from './format.js';

const SPANS = [2, 5, 10, 30, 60, 300, 1800];
const DEFAULT_SPAN = 10;
export const CLASS_COLOURS: Record<string, string> = {
  N: '#5b6770',
  S: '#1f5fbf',
  V: '#c0262d',
  F: '#b35c00',
  Q: '#7a3fa0',
};

/** What the last drawn strip was and how long it took from the ask to the drawing (tests, bench). */
declare global {
  interface Window {
    __ecg?: { startS: number; spanS: number; beats: number; ms: number; draws: number };
  }
}

type Jump = 'V' | 'S' | 'vrun' | 'pause' | 'af';
const JUMPS: { kind: Jump; label: string }[] = [
  { kind: 'V', label: 'Next V beat' },
  { kind: 'S', label: 'Next S beat' },
  { kind: 'vrun', label: 'Next V run' },
  { kind: 'pause', label: 'Next pause' },
  { kind: 'af', label: 'Next AF onset' },
];

/** Event starts (seconds, ascending) of the summary's lists; they hold the longest 100 of each. */
function eventStarts(holter: HolterReport | undefined, kind: Jump): number[] {
  if (!holter) return [];
  const list =
    kind === 'vrun'
      ? holter.ventricular.runs.list
      : kind === 'pause'
        ? holter.pauses.list
        : kind === 'af'
          ? holter.atrialFibrillation.list
          : [];
  return list.map((e) => e.startS).sort((a, b) => a - b);
}

async function nextBeat(
  runId: string,
  recordId: string,
  cls: 'V' | 'S',
  after: number,
): Promise<number | undefined> {
  const res = await request(
    'GET',
    `/runs/${enc(runId)}/records/${enc(recordId)}/beats?class=${cls}&from=${after}&limit=1&format=csv`,
  );
  const [, first] = (await res.text()).split('\n');
  // Columns: sample,time_s,class,...
  return first ? Number(first.split(',')[1]) : undefined;
}

function plotOptions(
  lead: string,
  width: number,
  marks: { current: SignalAnswer | undefined },
): uPlot.Options {
  const shade = (u: uPlot) => {
    const d = marks.current;
    if (!d?.unanalysable?.length) return;
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = 'rgba(120, 120, 120, 0.22)';
    for (const s of d.unanalysable) {
      const x0 = Math.max(bbox.left, u.valToPos(s.startS, 'x', true));
      const x1 = Math.min(bbox.left + bbox.width, u.valToPos(s.endS, 'x', true));
      if (x1 > x0) ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
    }
    ctx.restore();
  };
  const beats = (u: uPlot) => {
    const d = marks.current;
    if (!d?.beats) return;
    const { ctx, bbox } = u;
    const labels = d.endS - d.startS <= 60;
    ctx.save();
    ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
    ctx.textAlign = 'center';
    ctx.lineWidth = devicePixelRatio;
    for (let i = 0; i < d.beats.timeS.length; i++) {
      const c = d.beats.classes[i];
      const x = u.valToPos(d.beats.timeS[i], 'x', true);
      ctx.strokeStyle = ctx.fillStyle = CLASS_COLOURS[c] ?? '#000';
      ctx.beginPath();
      ctx.moveTo(x, bbox.top + (labels ? 14 * devicePixelRatio : 0));
      ctx.lineTo(x, bbox.top + 22 * devicePixelRatio);
      ctx.stroke();
      if (labels) ctx.fillText(c, x, bbox.top + 11 * devicePixelRatio);
    }
    ctx.restore();
  };
  return {
    width,
    height: 170,
    scales: { x: { time: false }, y: { auto: true } },
    axes: [
      {
        // hh:mm:ss; mm:ss.s when the ticks are closer than a second.
        space: 70,
        values: (_u, splits) =>
          splits.map((s) =>
            Number.isInteger(s) ? hms(s) : `${hms(s).slice(3)}.${Math.round((s % 1) * 10)}`,
          ),
      },
      { label: `${lead} (mV)`, size: 60 },
    ],
    series: [{}, { label: lead, stroke: '#111', width: 1, spanGaps: false }],
    cursor: { drag: { x: false, y: false }, sync: { key: 'ecg' } },
    legend: { show: false },
    hooks: { drawClear: [shade], draw: [beats] },
  };
}

export function EcgViewer(props: {
  runId: string;
  recordId: string;
  holter?: HolterReport;
  durationS: number;
  at?: number;
}) {
  const { runId, recordId } = props;
  const [span, setSpan] = useState(DEFAULT_SPAN);
  const [start, setStart] = useState(() => Math.max(0, (props.at ?? 0) - DEFAULT_SPAN / 2));
  const [data, setData] = useState<SignalAnswer | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const box = useRef<HTMLDivElement>(null);
  const plots = useRef<uPlot[]>([]);
  const marks = useRef<SignalAnswer | undefined>(undefined);
  const askedAt = useRef(performance.now());
  const draws = useRef(0);
  const duration = data?.durationS ?? props.durationS;
  const clamp = (s: number, sp = span) => Math.max(0, Math.min(s, Math.max(0, duration - sp)));

  const go = (s: number, sp = span) => {
    askedAt.current = performance.now();
    setSpan(sp);
    setStart(clamp(s, sp));
  };

  // Fetch the strip whenever the range changes; an answer to an older ask is dropped.
  useEffect(() => {
    const controller = new AbortController();
    const width = box.current?.clientWidth ?? 900;
    const end = start + span;
    fetch(
      `/runs/${enc(runId)}/records/${enc(recordId)}/signal?start=${start}&end=${end}&maxPoints=${Math.max(100, 2 * width)}`,
      { credentials: 'same-origin', signal: controller.signal },
    )
      .then(async (res) => {
        if (!res.ok) throw new Error(((await res.json()) as { message?: string }).message ?? res.statusText);
        return (await res.json()) as SignalAnswer;
      })
      .then(
        (d) => {
          setError(undefined);
          setData(d);
        },
        (e: unknown) => {
          if (!controller.signal.aborted) setError((e as Error).message);
        },
      );
    return () => controller.abort();
  }, [runId, recordId, start, span]);

  // Draw: one plot per lead, made once per lead set and fed new data after.
  useLayoutEffect(() => {
    if (!data || !box.current) return;
    marks.current = data;
    const width = box.current.clientWidth || 900;
    const dt = (data.step === 1 ? 1 : data.step / 2) / data.fs;
    const xs = Float64Array.from(data.values[0] ?? [], (_, i) => data.startS + i * dt);
    if (plots.current.length !== data.leads.length) {
      plots.current.forEach((p) => p.destroy());
      box.current.replaceChildren();
      plots.current = data.leads.map((lead) => {
        const el = document.createElement('div');
        el.className = 'lead';
        el.setAttribute('role', 'img');
        el.setAttribute('aria-label', `ECG lead ${lead}`);
        box.current!.append(el);
        return new uPlot(plotOptions(lead, width, marks), [[], []], el);
      });
    }
    plots.current.forEach((p, i) => {
      p.batch(() => {
        p.setData([xs as unknown as number[], data.values[i] as number[]]);
        p.setScale('x', { min: data.startS, max: data.startS + span });
      });
    });
    requestAnimationFrame(() => {
      draws.current++;
      window.__ecg = {
        startS: data.startS,
        spanS: span,
        beats: data.beats?.timeS.length ?? 0,
        ms: performance.now() - askedAt.current,
        draws: draws.current,
      };
    });
  }, [data, span]);

  useEffect(() => () => plots.current.forEach((p) => p.destroy()), []);

  const centre = start + span / 2;
  const jump = async (kind: Jump) => {
    setMessage(undefined);
    const after = centre + 0.01;
    try {
      const t =
        kind === 'V' || kind === 'S'
          ? await nextBeat(runId, recordId, kind, after)
          : eventStarts(props.holter, kind).find((s) => s > after);
      const label = JUMPS.find((j) => j.kind === kind)!.label.replace('Next ', '');
      if (t === undefined) setMessage(`No ${label} after ${hms(centre)}.`);
      else {
        setMessage(`${label[0].toUpperCase()}${label.slice(1)} at ${hms(t)}.`);
        go(t - span / 2);
      }
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const zoom = (dir: 1 | -1) => {
    const i = Math.max(0, Math.min(SPANS.length - 1, SPANS.indexOf(span) + dir));
    go(centre - SPANS[i] / 2, SPANS[i]);
  };
  const onKey = (e: KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      ArrowLeft: () => go(start - span / 2),
      ArrowRight: () => go(start + span / 2),
      '+': () => zoom(-1),
      '=': () => zoom(-1),
      '-': () => zoom(1),
      Home: () => go(0),
      End: () => go(duration),
    };
    const action = actions[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  return (
    <section class="ecg" aria-labelledby="ecg-title">
      <h2 id="ecg-title">ECG</h2>
      <div class="toolbar" role="toolbar" aria-label="ECG navigation">
        <button type="button" onClick={() => go(start - span)} aria-label="Earlier">
          ◀
        </button>
        <button type="button" onClick={() => go(start + span)} aria-label="Later">
          ▶
        </button>
        <button type="button" onClick={() => zoom(-1)} disabled={span === SPANS[0]}>
          Zoom in
        </button>
        <button type="button" onClick={() => zoom(1)} disabled={span === SPANS[SPANS.length - 1]}>
          Zoom out
        </button>
        <label>
          Span{' '}
          <select
            value={span}
            onChange={(e) => {
              const sp = Number((e.target as HTMLSelectElement).value);
              go(centre - sp / 2, sp);
            }}
          >
            {SPANS.map((s) => (
              <option key={s} value={s}>
                {s < 60 ? `${s} s` : `${s / 60} min`}
              </option>
            ))}
          </select>
        </label>
        {JUMPS.map((j) => (
          <button key={j.kind} type="button" onClick={() => void jump(j.kind)}>
            {j.label}
          </button>
        ))}
      </div>
      <label class="position">
        Position{' '}
        <input
          type="range"
          min={0}
          max={Math.max(0, Math.floor(duration - span))}
          step={1}
          value={Math.floor(start)}
          onChange={(e) => go(Number((e.target as HTMLInputElement).value))}
          aria-valuetext={`${hms(start)} of ${hms(duration)}`}
        />{' '}
        <output data-testid="ecg-range">
          {hms(start)}–{hms(start + span)} of {hms(duration)}
        </output>
      </label>
      <p class="legend" aria-hidden="true">
        {Object.entries(CLASS_COLOURS).map(([c, colour]) => (
          <span key={c} style={{ color: colour }}>
            ▍{c}{' '}
          </span>
        ))}
        <span class="shade">▍unanalysable</span>
      </p>
      {message && (
        <p role="status" data-testid="ecg-message">
          {message}
        </p>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div
        class="leads"
        ref={box}
        tabIndex={0}
        aria-label="ECG strip: arrow keys pan, + and - zoom, Home and End jump to the ends"
        onKeyDown={onKey}
        data-start={data?.startS}
        data-beats={data?.beats?.timeS.length}
      />
    </section>
  );
}
