// Installability (issue 4): Chromium's own installability check (what Lighthouse's retired
// "installable-manifest" audit reported; Lighthouse 12.2.3, the version that runs on Node 20
// here, no longer has a PWA category) must find no error once the service worker runs.
// Playwright's usual contexts are incognito, where Chromium never offers installation, so
// this test uses a persistent profile in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { test, expect } from './fixtures.mjs';
import { APP_ORIGIN } from './env.mjs';

// Guards the web app manifest and service worker: no installability error from Chromium
// (manifest fields, icons, start URL, display, a fetch handler), and the Vietnamese name.
test('the portal is installable (Chromium installability check, manifest in Vietnamese)', async ({ browserName }, testInfo) => {
  expect(browserName).toBe('chromium');
  const profile = mkdtempSync(join(tmpdir(), 'boiduong-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(APP_ORIGIN + '/');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    testInfo.annotations.push({ type: 'installability', description: JSON.stringify(installabilityErrors) });
    expect(installabilityErrors, JSON.stringify(installabilityErrors)).toEqual([]);
    const { url, data } = await cdp.send('Page.getAppManifest');
    expect(url).toMatch(/\/manifest\.webmanifest$/);
    const manifest = JSON.parse(data);
    expect(manifest.name).toBe('Bồi dưỡng cán bộ, công chức, viên chức');
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBe('/');
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
