// Benchmark: how long a learner action takes to become durable (the IndexedDB transaction of
// the action has committed, durability "strict"), measured inside the real app in headless
// Chromium. Plays a module three times through (every answer and every "continue" is one
// action), then reads the app's `boiduong-durable` performance measures and prints the count,
// median, p95 and max in ms. Usage: node scripts/bench-durability.mjs [DIST_DIR] [ROUNDS]
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';

const dist = process.argv[2] ?? 'dist';
const rounds = Number(process.argv[3] ?? 3);
const port = 4190;
const server = spawn('node', ['scripts/static-server.mjs', dist, String(port)], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;

async function waitForServer() {
  for (let i = 0; i < 50; i++) {
    try {
      const r = await fetch(base + '/index.html');
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('static server did not start');
}

function quantile(sorted, q) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

let browser;
try {
  await waitForServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  await page.goto(`${base}/module/tiep-nhan-ho-so-mot-cua`);
  for (let round = 0; round < rounds; round++) {
    await page.getByTestId(round === 0 ? 'start' : 'retake').click();
    for (let step = 0; step < 200; step++) {
      if (await page.getByTestId('module-result').isVisible()) break;
      const submit = page.getByTestId('submit-answer');
      if (await submit.isVisible()) {
        const item = page.getByTestId('item');
        const first = item.locator('input').first();
        if (await first.count()) await first.check();
        await submit.click();
        await page.getByTestId('feedback').waitFor();
      } else {
        const before = await page.locator('#step-heading').textContent();
        await page.getByTestId('continue').click();
        await page.waitForFunction((b) => {
          const h = document.querySelector('#step-heading');
          return document.querySelector('[data-testid=module-result]') || (h && h.textContent !== b) ||
            !document.querySelector('[data-testid=feedback]');
        }, before);
      }
    }
    await page.getByTestId('module-result').waitFor();
  }
  const durations = await page.evaluate(() =>
    performance.getEntriesByName('boiduong-durable').map((e) => e.duration));
  const failed = await page.evaluate(() => performance.getEntriesByName('boiduong-durable-failed').length);
  const sorted = [...durations].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('no durable-write measures found');
  console.log(`durable learner actions (IndexedDB commit, strict), headless Chromium: n=${sorted.length} failed=${failed}`);
  console.log(`  median ${quantile(sorted, 0.5).toFixed(1)} ms   p95 ${quantile(sorted, 0.95).toFixed(1)} ms   max ${sorted[sorted.length - 1].toFixed(1)} ms`);
} finally {
  await browser?.close();
  server.kill();
}
