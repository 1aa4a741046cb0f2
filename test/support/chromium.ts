/**
 * Headless Chromium for page tests, with the flags and path the CLI's --pdf uses (libs/report
 * pdf.ts): Debian's /usr/bin/chromium or HOLTERFLOW_CHROMIUM, through playwright-core.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath, chromiumUnavailable } from '@holterflow/report';

export { pdfPageCount } from '@holterflow/report';

/** Why page tests cannot run here, or undefined when they can. CI must have it (.ci/run installs it). */
export function chromiumMissing(): string | undefined {
  const reason = chromiumUnavailable();
  if (reason && process.env.CI) throw new Error(`${reason}: CI must have it`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
}
