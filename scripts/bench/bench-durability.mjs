// Benchmark: how long a learner action takes to become durable (the IndexedDB transaction of
// the action has committed, durability "strict"), measured inside the real app in headless
// Chromium, each action writing its events, summary and xAPI statements in one transaction.
// Plays a module three times through (every answer and every "continue" is one
// action), then reads the app's `boiduong-durable` performance measures and prints the count,
// median, p95 and max in ms. Usage: node scripts/bench/bench-durability.mjs [DIST_DIR] [ROUNDS]
import { spawn } from 'node:child_process';
import { launchChromium, waitForServer } from './browser.mjs';

const dist = process.argv[2] ?? 'dist';
const rounds = Number(process.argv[3] ?? 3);
const port = 4181; // not on the browsers' blocked-port list (4190 is)
const server = spawn('node', ['scripts/static-server.mjs', dist, String(port)], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}`;

function quantile(sorted, q) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

let browser;
try {
  await waitForServer(`${base}/index.html`, 50);
  browser = await launchChromium(['--disable-quic']);
  const page = await browser.newPage();
  // A learner must be signed in to start (no LRS runs here: the sign-in is accepted offline
  // and the statements stay in the outbox, which is what an offline learner's device does).
  await page.goto(`${base}/sign-in?next=/module/tiep-nhan-ho-so-mot-cua`);
  await page.fill('#account', 'hocvien1');
  await page.fill('#password', 'hocvien1-pass');
  await page.fill('#name', 'Nguyễn Văn An');
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('module-page').waitFor();
  for (let round = 0; round < rounds; round++) {
    await page.getByTestId(round === 0 ? 'start' : 'retake').click();
    await page.getByTestId('module-step').waitFor();
    // Each step: answer the item in front (one action), then continue (another action).
    for (let step = 0; step < 100; step++) {
      await page.locator('[data-testid=submit-answer], [data-testid=module-result]').first().waitFor();
      if (await page.getByTestId('module-result').isVisible()) break;
      const first = page.getByTestId('item').locator('input').first();
      if (await first.count()) await first.check();
      await page.getByTestId('submit-answer').click();
      await page.getByTestId('continue').click();
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
} catch (e) {
  await browser?.contexts()[0]?.pages()[0]?.screenshot({ path: '/tmp/bench-fail.png', fullPage: true });
  throw e;
} finally {
  await browser?.close();
  server.kill();
}
