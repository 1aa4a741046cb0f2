// Drawing script of report.html (runs in the browser, inlined by report-html.ts; plain JS so it
// needs no build). Reads the JSON data block, draws every [data-plot] element with uPlot, and
// sets window.__report = { expected, rendered, errors } for the browser test.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const MM = 96 / 25.4; // CSS px per mm
  const WIDTH = Math.round(180 * MM);
  const state = { expected: document.querySelectorAll('[data-plot]').length, rendered: 0, errors: [] };
  window.__report = state;

  const pad = (n) => String(n).padStart(2, '0');
  const clock = (s) => `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}`;
  const timeAxis = { values: (u, splits) => splits.map(clock), space: 60 };
  const hourSplits = (u, axis, min, max) => {
    const step = max - min > 12 * 3600 ? 3 * 3600 : max - min > 3 * 3600 ? 3600 : 600;
    const out = [];
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) out.push(t);
    return out;
  };

  // Shade AF episodes behind a time-axis plot.
  const afShade = {
    hooks: {
      drawClear: [
        (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.fillStyle = 'rgba(230, 120, 0, 0.18)';
          for (const [a, b] of data.af) {
            const x0 = u.valToPos(a, 'x', true);
            const x1 = u.valToPos(b, 'x', true);
            ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
          }
          ctx.restore();
        },
      ],
    },
  };

  function heartRate(el) {
    const x = data.minutes.mean.map((_, m) => m * 60);
    return new uPlot(
      {
        width: WIDTH,
        height: 190,
        legend: { live: false },
        plugins: [afShade],
        scales: { x: { time: false, range: [0, Math.max(60, data.durationS)] } },
        axes: [{ ...timeAxis, splits: hourSplits }, { label: 'bpm' }],
        series: [
          {},
          { label: 'min', stroke: '#3a7bd5', width: 1 },
          { label: 'mean', stroke: '#111', width: 1.5 },
          { label: 'max', stroke: '#d53a3a', width: 1 },
        ],
      },
      [x, data.minutes.min, data.minutes.mean, data.minutes.max],
      el,
    );
  }

  function afTimeline(el) {
    // A step series: 1 inside an AF episode, 0 outside.
    const x = [0];
    const y = [0];
    for (const [a, b] of data.af) {
      x.push(a, b);
      y.push(1, 0);
    }
    x.push(Math.max(60, data.durationS));
    y.push(0);
    return new uPlot(
      {
        width: WIDTH,
        height: 90,
        legend: { show: false },
        scales: { x: { time: false, range: [0, Math.max(60, data.durationS)] }, y: { range: [0, 1.2] } },
        axes: [
          { ...timeAxis, splits: hourSplits },
          { values: (u, s) => s.map((v) => (v === 1 ? 'AF' : '')), splits: () => [0, 1] },
        ],
        series: [
          {},
          {
            label: 'AF',
            stroke: '#e67800',
            fill: 'rgba(230,120,0,0.3)',
            paths: uPlot.paths.stepped({ align: 1 }),
            points: { show: false },
          },
        ],
      },
      [x, y],
      el,
    );
  }

  function ectopy(el) {
    // Grouped bars: hour h, class k at x = h * 5 + k (k = 0..3), a gap after each hour.
    const classes = ['S', 'V', 'F', 'Q'];
    const colours = ['#3a7bd5', '#d53a3a', '#8e44ad', '#7f8c8d'];
    const hours = data.ectopy.S.length;
    const x = [];
    const ys = classes.map(() => []);
    for (let h = 0; h < hours; h++)
      for (let k = 0; k < 4; k++) {
        x.push(h * 5 + k);
        classes.forEach((c, j) => ys[j].push(j === k ? data.ectopy[c][h] : null));
      }
    return new uPlot(
      {
        width: WIDTH,
        height: 190,
        legend: { live: false },
        scales: { x: { time: false, range: [-1, hours * 5] } },
        axes: [
          {
            splits: () => Array.from({ length: hours }, (_, h) => h * 5 + 1.5),
            values: (u, s) => s.map((v) => `${Math.round((v - 1.5) / 5)}h`),
          },
          { label: 'beats' },
        ],
        series: [
          {},
          ...classes.map((c, j) => ({
            label: c,
            stroke: colours[j],
            fill: colours[j],
            paths: uPlot.paths.bars({ size: [0.9, 12] }),
            points: { show: false },
          })),
        ],
      },
      [x, ...ys],
      el,
    );
  }

  function tachogram(el) {
    return new uPlot(
      {
        width: WIDTH,
        height: 200,
        legend: { live: false },
        plugins: [afShade],
        scales: { x: { time: false, range: [0, Math.max(60, data.durationS)] }, y: { range: [0, 2500] } },
        axes: [{ ...timeAxis, splits: hourSplits }, { label: 'RR (ms)' }],
        series: [
          {},
          {
            label: 'RR',
            stroke: '#111',
            paths: uPlot.paths.points(),
            points: { show: true, size: 1.5, fill: '#111' },
          },
        ],
      },
      [data.tachogram.t, data.tachogram.rr],
      el,
    );
  }

  function strip(el, s) {
    const seconds = s.mv.length / s.fs;
    const x = s.mv.map((_, i) => i / s.fs);
    const lo = -1.5;
    const hi = 2;
    const classColour = { N: '#111', S: '#1f5fbf', V: '#c0392b', F: '#8e44ad', Q: '#7f8c8d' };
    const grid = (step) => (u, axis, min, max) => {
      const out = [];
      for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) out.push(+v.toFixed(3));
      return out;
    };
    return new uPlot(
      {
        width: Math.round(seconds * 25 * MM),
        height: Math.round((hi - lo) * 10 * MM),
        legend: { show: false },
        cursor: { show: false },
        padding: [14, 0, 0, 0],
        scales: { x: { time: false, range: [0, seconds] }, y: { range: [lo, hi] } },
        axes: [
          {
            show: true,
            size: 14,
            splits: grid(0.2),
            values: (u, v) => v.map((t) => (Math.abs(t - Math.round(t)) < 1e-6 ? `${Math.round(t)} s` : '')),
            grid: { stroke: '#f3b3b3', width: 0.5 },
            ticks: { show: false },
          },
          {
            show: true,
            size: 0,
            splits: grid(0.5),
            values: () => [],
            grid: { stroke: '#f3b3b3', width: 0.5 },
            ticks: { show: false },
          },
        ],
        series: [{}, { stroke: '#000', width: 1 }],
        hooks: {
          draw: [
            (u) => {
              const ctx = u.ctx;
              ctx.save();
              ctx.font = `${Math.round(10 * devicePixelRatio)}px sans-serif`;
              ctx.textAlign = 'center';
              for (const [t, c] of s.beats) {
                ctx.fillStyle = classColour[c] || '#111';
                ctx.fillText(c, u.valToPos(t, 'x', true), u.bbox.top + 10 * devicePixelRatio);
              }
              ctx.restore();
            },
          ],
        },
      },
      [x, s.mv],
      el,
    );
  }

  const draw = { hr: heartRate, af: afTimeline, ectopy, tachogram };
  for (const el of document.querySelectorAll('[data-plot]')) {
    try {
      const kind = el.dataset.plot;
      if (kind === 'strip') strip(el, data.strips[Number(el.id.slice('strip-'.length))]);
      else draw[kind](el);
      state.rendered++;
    } catch (err) {
      state.errors.push(`${el.id}: ${err && err.message ? err.message : err}`);
      console.error(err);
    }
  }
})();
