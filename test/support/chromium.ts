/**
 * Headless Chromium for page tests, with the flags and path the CLI's --pdf uses (libs/report
 * pdf.ts): HOLTERFLOW_CHROMIUM (configuration schema; default Debian's /usr/bin/chromium),
 * through playwright-core.
 */
import { chromium, type Browser } from 'playwright-core';
import { readVariable } from '@holterflow/contracts';
import { CHROMIUM_FLAGS, chromiumUnavailable } from '@holterflow/report';

export { pdfPageCount } from '@holterflow/report';

/** Why page tests cannot run here, or undefined when they can. CI must have it (.ci/run installs it). */
/** The Chromium page tests and `holterflow report --pdf` use. */
export function chromiumPath(): string {
  return readVariable(process.env, 'HOLTERFLOW_CHROMIUM');
}

export function chromiumMissing(): string | undefined {
  const reason = chromiumUnavailable(chromiumPath());
  if (reason && process.env.CI) throw new Error(`${reason}: CI must have it`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_FLAGS });
}
