/**
 * Training curves: loss and accuracy per epoch, train and validation, as a self-contained SVG
 * (no scripts, no external fonts or styles, so it opens anywhere and embeds in the HTML report)
 * and as JSON data for anyone who wants to re-plot.
 */
import type { EpochReport } from './loop.js';

export interface CurvesData {
  epochs: number[];
  loss: number[];
  valLoss: number[];
  acc: number[];
  valAcc: number[];
  lr: number[];
  bestEpoch?: number;
}

export function curvesData(history: readonly EpochReport[], bestEpoch?: number): CurvesData {
  return {
    epochs: history.map((h) => h.epoch),
    loss: history.map((h) => h.loss),
    valLoss: history.map((h) => h.valLoss),
    acc: history.map((h) => h.acc),
    valAcc: history.map((h) => h.valAcc),
    lr: history.map((h) => h.lr),
    ...(bestEpoch ? { bestEpoch } : {}),
  };
}

const PANEL_W = 420;
const PANEL_H = 260;
const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };
const TRAIN_COLOUR = '#1f77b4';
const VAL_COLOUR = '#d62728';

const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
const fmt = (v: number) =>
  Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3);

function panel(
  title: string,
  epochs: number[],
  series: { name: string; values: number[]; colour: string }[],
  x0: number,
  best?: number,
): string {
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const first = epochs[0] ?? 1;
  const last = epochs[epochs.length - 1] ?? 1;
  const sx = (e: number) => x0 + MARGIN.left + (last === first ? w / 2 : ((e - first) / (last - first)) * w);
  const sy = (v: number) => MARGIN.top + h - ((v - lo) / (hi - lo)) * h;
  const parts: string[] = [
    `<text x="${x0 + PANEL_W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<rect x="${x0 + MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(
      `<line x1="${x0 + MARGIN.left}" x2="${x0 + MARGIN.left + w}" y1="${sy(v).toFixed(1)}" y2="${sy(v).toFixed(1)}" stroke="#eee"/>`,
      `<text x="${x0 + MARGIN.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(v)}</text>`,
    );
  }
  const ticks = [...new Set([first, Math.round((first + last) / 2), last])];
  for (const e of ticks)
    parts.push(
      `<text x="${sx(e).toFixed(1)}" y="${MARGIN.top + h + 16}" text-anchor="middle" font-size="11">${e}</text>`,
    );
  parts.push(
    `<text x="${x0 + MARGIN.left + w / 2}" y="${PANEL_H - 6}" text-anchor="middle" font-size="12">epoch</text>`,
  );
  if (best !== undefined)
    parts.push(
      `<line x1="${sx(best).toFixed(1)}" x2="${sx(best).toFixed(1)}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="#2ca02c" stroke-dasharray="4 3"><title>best epoch ${best}</title></line>`,
    );
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${sx(epochs[i]).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${points}"/>`);
    for (let i = 0; i < s.values.length; i++)
      parts.push(
        `<circle cx="${sx(epochs[i]).toFixed(1)}" cy="${sy(s.values[i]).toFixed(1)}" r="2.5" fill="${s.colour}"/>`,
      );
    const ly = MARGIN.top + 14 + k * 16;
    parts.push(
      `<line x1="${x0 + MARGIN.left + w - 110}" x2="${x0 + MARGIN.left + w - 90}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"/>`,
      `<text x="${x0 + MARGIN.left + w - 86}" y="${ly}" font-size="11">${escapeXml(s.name)}</text>`,
    );
  });
  return parts.join('\n');
}

export function curvesSvg(data: CurvesData, title = 'Training curves'): string {
  const width = PANEL_W * 2;
  const height = PANEL_H + 24;
  const body = [
    panel(
      'Loss',
      data.epochs,
      [
        { name: 'train', values: data.loss, colour: TRAIN_COLOUR },
        { name: 'validation', values: data.valLoss, colour: VAL_COLOUR },
      ],
      0,
      data.bestEpoch,
    ),
    panel(
      'Accuracy',
      data.epochs,
      [
        { name: 'train', values: data.acc, colour: TRAIN_COLOUR },
        { name: 'validation', values: data.valAcc, colour: VAL_COLOUR },
      ],
      PANEL_W,
      data.bestEpoch,
    ),
  ].join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g transform="translate(0,24)">`,
    body,
    `</g>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${escapeXml(title)}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}
