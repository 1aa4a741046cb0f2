/**
 * Headless Chromium for page tests: Debian's /usr/bin/chromium (or HOLTERFLOW_CHROMIUM) through
 * playwright-core, with the flags that keep it from reaching the network on its own.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.HOLTERFLOW_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Why page tests cannot run here, or undefined when they can. CI must have it (.ci/run installs it). */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set HOLTERFLOW_CHROMIUM)`;
  if (process.env.CI) throw new Error(`${reason}: CI must install it`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

/** Pages of a PDF written by Chromium (one /Type /Page object per page). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;
}
