// End-to-end tests of the built portal (dist/): a real Chromium (Debian's, never a downloaded
// one), the app served by our own static server with the SPA fallback, Vietnamese first, and
// a fresh Ralph LRS for the run (its data is deleted afterwards).
// Build first: scripts/build.sh (both apps into dist/)
// Run: npx playwright test
// Ports (tests/e2e/env.mjs): app 4173, LRS 8100, the fault proxy 8110 (run by sync.spec) and
// a second copy of the app pointing at the proxy 4174; each can be moved with E2E_*_PORT.
import { defineConfig } from '@playwright/test';
import {
  ACCOUNT_HOME_PAGE,
  APP_ORIGIN,
  APP_PORT,
  DIST,
  E2E_CONFIG,
  FAULT_APP_ORIGIN,
  FAULT_APP_PORT,
  LRS_ENDPOINT,
  LRS_PORT,
  LRS_URL,
  PROXY_ENDPOINT,
  SIMULATED,
  UPDATE_APP_ORIGIN,
} from './tests/e2e/env.mjs';

const BASE_URL = APP_ORIGIN;

export default defineConfig({
  testDir: 'tests/e2e',
  // One worker: every test gets a fresh browser context, but the screenshots and the timing
  // stay deterministic and the small CI machine is not oversubscribed.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  webServer: [
    {
      // A fresh Ralph (temp data dir, the demo accounts and the trainer e2e's simulated
      // learners, agents under the portal's account home page), CORS for every copy of the app.
      name: 'lrs',
      command:
        `scripts/lrs/e2e-lrs.sh --port ${LRS_PORT} --origin ${APP_ORIGIN} --origin ${FAULT_APP_ORIGIN} ` +
        `--origin ${UPDATE_APP_ORIGIN} --home-page ${ACCOUNT_HOME_PAGE} ` +
        Object.values(SIMULATED)
          .map((c) => `--simulated ${c.prefix}:${c.learners}`)
          .join(' '),
      url: `${LRS_URL}/__heartbeat__`,
      reuseExistingServer: false,
      // Creating the accounts (bcrypt) takes ~2 s; a first install of Ralph ~15 s more.
      timeout: 120_000,
      // SIGTERM to the wrapper's process group: it stops Ralph and deletes the data dir.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The portal deployed against the e2e LRS (tests/e2e/config.json: the authoring preview
      // and the anonymous account on; connect-src pinned to the LRS's origin).
      name: 'app',
      command: `node scripts/serve-with-config.mjs ${DIST} ${APP_PORT} ${LRS_ENDPOINT} ${E2E_CONFIG}`,
      url: BASE_URL,
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      // The same portal on another origin, deployed against the fault proxy.
      name: 'fault-app',
      command: `node scripts/serve-with-config.mjs ${DIST} ${FAULT_APP_PORT} ${PROXY_ENDPOINT} ${E2E_CONFIG}`,
      url: FAULT_APP_ORIGIN,
      reuseExistingServer: false,
      timeout: 30_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
  use: {
    baseURL: BASE_URL,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: { width: 1280, height: 900 },
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    browserName: 'chromium',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
