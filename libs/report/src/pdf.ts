/**
 * report.html to PDF through headless Chromium driven by playwright-core, with the report's own
 * A4 print stylesheet. The executable's path is the caller's (HOLTERFLOW_CHROMIUM in the
 * configuration schema, default Debian's /usr/bin/chromium): libraries do not read the
 * environment. playwright-core is loaded only when a PDF is asked for.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** Why no PDF can be printed with the Chromium at `path`, in words a user can act on; undefined when it can. */
export function chromiumUnavailable(path: string): string | undefined {
  return existsSync(path)
    ? undefined
    : `no headless Chromium at ${path}: install it (apt-get install -y chromium) or set HOLTERFLOW_CHROMIUM to one`;
}

/** Prints the page at htmlPath to pdfPath with the Chromium at chromiumPath; returns the page count. */
export async function printReportPdf(
  htmlPath: string,
  pdfPath: string,
  chromiumPath: string,
): Promise<number> {
  const problem = chromiumUnavailable(chromiumPath);
  if (problem) throw new Error(problem);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForFunction('window.__report !== undefined');
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({
      path: pdfPath,
      format: 'A4',
      preferCSSPageSize: true,
      printBackground: true,
    });
    return pdfPageCount(pdf);
  } finally {
    await browser.close();
  }
}

/** Pages of a PDF written by Chromium (one /Type /Page object per page). */
export function pdfPageCount(pdf: Uint8Array): number {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page(?!s)/g) ?? []
  ).length;
}
