// What the browser checks share: starting Chromium as these machines need it, and
// waiting for a condition in a page.
import { chromium } from 'playwright-core';

// launch starts headless Chromium at executablePath, without the background
// networking that floods a closed network.
export function launch(executablePath) {
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// waitFor polls fn in the page until it returns a truthy value, or fails naming what.
export async function waitFor(page, what, fn, arg, timeout, polling = 250) {
  try {
    return await page.waitForFunction(fn, arg, { timeout, polling });
  } catch (e) {
    throw new Error(`${what} did not happen within ${Math.round(timeout / 1000)} s`);
  }
}
