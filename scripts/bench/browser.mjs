// What every browser benchmark needs, in one place: wait for the server it started, and
// launch Debian's chromium headless (the same binary the e2e tests use) with the flags that
// keep the browser's own traffic (updates, sync, background requests) out of the figures.
import { chromium } from '@playwright/test';

/** Debian's chromium (scripts/setup.sh installs it; playwright.config.mjs uses it too). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every benchmark's browser runs with. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Resolves once `url` answers 2xx; throws after `tries` attempts 100 ms apart. */
export async function waitForServer(url, tries = 100) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within ${tries / 10} s`);
}

/** Launches headless chromium (Playwright) with CHROMIUM_ARGS and `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
