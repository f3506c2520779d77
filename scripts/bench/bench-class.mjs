// The trainer of one class in a city LRS (run by scripts/bench/bench-class.sh, which seeds the LRS):
//
//   node scripts/bench/bench-class.mjs DIST STATEMENTS_JSON CLASS LRS_PORT APP_PORT
//
// Serves DIST deployed against the LRS (scripts/serve-with-config.mjs), signs in the trainer
// (giangvien) in headless Chromium, opens CLASS (typed, as a trainer does) and waits for its
// review (the learners' table, the refresh over). Every statements response the page got is
// counted: statements and bytes, and how many of them are CLASS's own (its class activity in
// their grouping, or its joined statements); CLASS's own statements in the seeded file (and
// as the LRS serves them, for bytes) are the reference. Prints the ratios (goal <= 1.1) and the time from "open" to a ready review.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, waitForServer } from './browser.mjs';

const [dist, file, cls, lrsPort, appPort] = process.argv.slice(2);
if (!dist || !file || !cls || !/^\d+$/.test(lrsPort ?? '') || !/^\d+$/.test(appPort ?? '')) {
  console.error('usage: node scripts/bench/bench-class.mjs DIST STATEMENTS_JSON CLASS LRS_PORT APP_PORT');
  process.exit(64);
}
const BASE = 'https://boiduong.example/xapi';
const classId = `${BASE}/classes/${cls}`;
const TRAINER = { account: 'giangvien', password: 'giangvien-pass', name: 'Bench' };
const all = JSON.parse(readFileSync(file, 'utf8'));
const ofClass = (s) =>
  s.object?.id === classId || (s.context?.contextActivities?.grouping ?? []).some((a) => a.id === classId);
const own = all.filter(ofClass);
const classes = new Set(all.map((s) => s.context?.extensions?.[`${BASE}/extensions/class-code`]).filter(Boolean));
const work = mkdtempSync(join(tmpdir(), 'boiduong-bench-class-'));
const config = join(work, 'config.json');
const endpoint = `http://127.0.0.1:${lrsPort}/xAPI/`;
writeFileSync(config, JSON.stringify({
  portal_name: 'Bồi dưỡng (bench)',
  lrs_endpoint: endpoint,
  base_iri: BASE,
  account_home_page: `http://127.0.0.1:${lrsPort}`,
}));
const app = `http://127.0.0.1:${appPort}`;
const server = spawn('node', ['scripts/serve-with-config.mjs', dist, appPort, endpoint, config], { stdio: 'ignore' });

let browser;
try {
  await waitForServer(`${app}/index.html`);
  browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  const seen = { requests: 0, statements: 0, bytes: 0, own: new Map(), foreignIds: new Set() };
  const pending = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(`${endpoint}statements`) || r.request().method() !== 'GET') return;
    pending.push((async () => {
      const body = await r.body().catch(() => Buffer.alloc(0));
      seen.requests += 1;
      seen.bytes += body.length;
      const page = JSON.parse(body.toString('utf8') || '{}');
      for (const s of page.statements ?? []) {
        seen.statements += 1;
        if (ofClass(s)) {
          seen.own.set(s.id, Buffer.byteLength(JSON.stringify(s)));
        } else {
          seen.foreignIds.add(s.id);
        }
      }
    })());
  });
  await page.goto(`${app}/trainer`);
  await page.locator('#account').fill(TRAINER.account);
  await page.locator('#password').fill(TRAINER.password);
  await page.locator('#name').fill(TRAINER.name);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('class-picker').waitFor();
  await page.getByTestId('class-code-input').fill(cls);
  const t0 = Date.now();
  await page.getByTestId('class-open').click();
  await page.getByTestId('trainer-fetch').waitFor();
  await page.getByTestId('trainer-refresh').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.querySelector('[data-testid="trainer-refresh"]')?.disabled, null, { timeout: 1_800_000 });
  await page.getByTestId('table-class-learners').locator('tbody tr').first().waitFor({ timeout: 60_000 });
  const ready = Date.now() - t0;
  await Promise.all(pending);
  const learners = await page.getByTestId('table-class-learners').locator('tbody tr').count();
  // the class's own statements as the LRS serves them (with its `stored`, `authority`…), once each
  const ownBytes = [...seen.own.values()].reduce((n, b) => n + b, 0);
  if (seen.own.size !== own.length) console.log(`  note: ${seen.own.size} of the class's ${own.length} statements were received`);
  console.log(`LRS: ${all.length} statements of ${classes.size} classes; class ${cls}: ${own.length} statements (${learners} learners on screen)`);
  console.log(`trainer of ${cls}: ${seen.requests} requests, ${seen.statements} statements, ${(seen.bytes / 1e6).toFixed(2)} MB received`);
  console.log(`  statements received / the class's own      ${(seen.statements / own.length).toFixed(3)}   (goal <= 1.1; ${seen.foreignIds.size} of other classes)`);
  console.log(`  bytes received / the class's own statements ${(seen.bytes / ownBytes).toFixed(3)}   (goal <= 1.1; the class's own, as the LRS serves them: ${(ownBytes / 1e6).toFixed(2)} MB)`);
  console.log(`  time to a ready review                      ${(ready / 1000).toFixed(1)} s (open -> refresh over, learners shown)`);
  console.log(`  load average when done: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
} finally {
  await browser?.close();
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
