// One screenshot of the Temporal Web UI for bin/screenshots, with headless Chromium driven by playwright-core.
//   node screenshot.cjs <out.png> <url> [locator...]
// Loads <url> (a single-page app), waits until every Playwright [locator] ('text="Event History"',
// 'css=table tbody tr') matches a visible element and no loading indicator is left, then writes a 1600x1000 PNG. Env: CHROMIUM (the browser binary), SHOT_TIMEOUT_MS (default 30000).
const { chromium } = require('playwright-core');

async function main() {
  const [out, url, ...locators] = process.argv.slice(2);
  if (!out || !url) throw new Error('usage: node screenshot.cjs <out.png> <url> [locator...]');
  const timeout = Number(process.env.SHOT_TIMEOUT_MS || 30000);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/lib/chromium/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(timeout);
    await page.goto(url, { waitUntil: 'load' });
    for (const locator of locators) {
      await page.locator(locator).filter({ visible: true }).first().waitFor();
    }
    // the UI shows skeletons/spinners while its API calls run
    await page.waitForFunction(
      () => !document.querySelector('[data-testid*="loading" i], [class*="skeleton" i], [aria-busy="true"]'),
      null, { timeout });
    await page.waitForTimeout(500); // let the last render settle
    await page.screenshot({ path: out });
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(`screenshot: ${e.message}`); process.exit(1); });
