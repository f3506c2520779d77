// Benchmark (not a test): Lighthouse 12.2.3 (npm, pinned in package-lock.json) in Debian's
// chromium, mobile preset (Moto G Power screen, simulated slow 4G and 4x CPU slowdown), on a
// release build served compressed by scripts/static-server.mjs: the catalog (/) and a
// scenario page (the first scenario of the catalog), and any further paths given. Prints per
// page the median over RUNS of the performance score, LCP, TBT and total bytes transferred.
// Goals (issue 15): performance >= 95, LCP <= 2.0 s.
// Usage: node scripts/bench/bench-lighthouse.mjs [DIST] [RUNS] [PATH...]   (defaults: dist 3)
//   e.g. node scripts/bench/bench-lighthouse.mjs dist 3 /trainer
// Port: LIGHTHOUSE_PORT (default 4180). Chromium: CHROME_PATH (default /usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_PATH, waitForServer } from './browser.mjs';

const [dist = 'dist', runsArg = '3', ...extra] = process.argv.slice(2);
const runs = Number(runsArg);
const port = Number(process.env.LIGHTHOUSE_PORT ?? 4180);
const chrome = process.env.CHROME_PATH ?? CHROMIUM_PATH;
const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'node_modules', '.bin', 'lighthouse');
if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'content', 'catalog.json'))) {
  console.error(`bench-lighthouse: no build in ${dist} (run scripts/build.sh)`);
  process.exit(1);
}
if (!existsSync(cli)) {
  console.error('bench-lighthouse: lighthouse is not installed (npm ci)');
  process.exit(1);
}
const catalog = JSON.parse(readFileSync(join(dist, 'content', 'catalog.json'), 'utf8'));
const scenario = catalog.entries.find((e) => e.kind === 'scenario');
const paths = ['/', `/scenario/${scenario.id}`, ...extra];

const server = spawn(process.execPath, [join(root, 'scripts', 'static-server.mjs'), dist, String(port)], { stdio: 'ignore' });
const origin = `http://127.0.0.1:${port}`;
await waitForServer(`${origin}/index.html`);

const flags = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
].join(' ');

/** One Lighthouse run of `url`: the figures of the report. */
function audit(url) {
  const out = mkdtempSync(join(tmpdir(), 'boiduong-lighthouse-'));
  try {
    const file = join(out, 'report.json');
    const r = spawnSync(cli, [
      url, '--quiet', '--only-categories=performance', '--form-factor=mobile',
      '--throttling-method=simulate', `--chrome-flags=${flags}`, '--output=json', `--output-path=${file}`,
    ], { env: { ...process.env, CHROME_PATH: chrome }, stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) throw new Error(`lighthouse failed on ${url} (${r.status})`);
    const lhr = JSON.parse(readFileSync(file, 'utf8'));
    if (lhr.runtimeError) throw new Error(`${url}: ${lhr.runtimeError.message}`);
    const a = lhr.audits;
    return {
      score: Math.round(lhr.categories.performance.score * 100),
      lcp: a['largest-contentful-paint'].numericValue,
      fcp: a['first-contentful-paint'].numericValue,
      tbt: a['total-blocking-time'].numericValue,
      bytes: a['total-byte-weight'].numericValue,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `audit`, tried up to three times: Lighthouse sometimes loses the trace on a busy machine
 * (NO_NAVSTART), which says nothing about the page. */
function auditRetrying(url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return audit(url);
    } catch (e) {
      if (attempt >= 3) throw e;
      console.error(`bench-lighthouse: ${e.message}; trying again`);
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  console.log(`Lighthouse 12.2.3, mobile preset, simulated throttling, ${runs} run(s) per page, median; ${dist} served compressed`);
  console.log(`${'page'.padEnd(44)} ${'perf'.padStart(5)} ${'LCP s'.padStart(7)} ${'FCP s'.padStart(7)} ${'TBT ms'.padStart(7)} ${'bytes'.padStart(10)}`);
  for (const path of paths) {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(auditRetrying(origin + path));
    const m = (k) => median(results.map((r) => r[k]));
    console.log(
      `${path.padEnd(44)} ${String(m('score')).padStart(5)} ${(m('lcp') / 1000).toFixed(1).padStart(7)} ` +
        `${(m('fcp') / 1000).toFixed(1).padStart(7)} ${String(Math.round(m('tbt'))).padStart(7)} ${String(Math.round(m('bytes'))).padStart(10)}`,
    );
  }
} finally {
  server.kill();
}
