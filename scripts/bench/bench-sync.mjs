// Benchmark: how fast the portal drains its outbox of xAPI statements to the LRS, compared with
// what the LRS itself ingests from a plain client, on the same statements in the same run.
//
//   node scripts/bench/bench-sync.mjs [DIST_DIR=dist] [N=10000]
//
// 1. Generates N distinct, valid statements in the format of docs/xapi-profile.md (its
//    examples E1..E17 replayed as full module and scenario runs: fresh UUIDs, one registration
//    per attempt, timestamps in the past, the learner hocvien1 as an account agent), and checks
//    each with @learninglocker/xapi-validation.
// 2. Portal drain: its own fresh Ralph on 127.0.0.1:8130 (CORS origin of the static server on
//    4185), a copy of DIST whose config.json points at it, headless Chromium. Signs in as
//    hocvien1 through the UI ("remember" ticked), writes the N statements into the `outbox`
//    and `statements` stores with the raw IndexedDB API (one transaction), reloads /sync, and
//    times the start-up sync from its trigger (the sync page first shows N pending) to the
//    pending count reaching 0 (if the start-up sync does not run, "Sync now" is clicked and
//    timed from the click). Then checks, as the trainer, that the LRS holds exactly the N ids.
// 3. Plain client: another fresh Ralph on 8131; Node posts the same statement texts in batches
//    of 50 (the portal's SyncConfig::default) sequentially over one keep-alive connection.
// 4. Prints statements/s of both and the ratio portal/plain (goal >= 0.9). Exits non-zero only
//    on errors, not on a missed goal.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { launchChromium, waitForServer } from './browser.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = resolve(process.argv[2] ?? 'dist');
const N = Number(process.argv[3] ?? 10000);
if (!Number.isInteger(N) || N < 2) throw new Error(`N must be an integer >= 2, got ${process.argv[3]}`);

const WEB_PORT = 4185; // not on the browsers' blocked-port list
const PORTAL_LRS_PORT = 8130; // not 8100: the tests use that one
const PLAIN_LRS_PORT = 8131;
const WEB = `http://127.0.0.1:${WEB_PORT}`;
const BATCH = 50; // SyncConfig::default().max_batch
const LEARNER = { account: 'hocvien1', password: 'hocvien1-pass', name: 'Nguyễn Văn An', classCode: 'QLNN-2026-01' };
const TRAINER = { account: 'giangvien', password: 'giangvien-pass' };
const GOAL = 0.9;

const work = mkdtempSync(join(tmpdir(), 'bench-sync-'));
const lrsDirs = []; // data dirs of the LRSs this script started
let server;
let browser;

// ---------------------------------------------------------------- helpers

function log(msg) {
  process.stderr.write(`bench-sync: ${msg}\n`);
}

function startLrs(dataDir, port) {
  lrsDirs.push(dataDir);
  const r = spawnSync(join(REPO, 'scripts/lrs/start.sh'),
    ['--data-dir', dataDir, '--port', String(port), '--origin', WEB, '--fresh', '--wait'],
    { encoding: 'utf8', timeout: 240_000, cwd: REPO });
  if (r.status !== 0) {
    throw new Error(`scripts/lrs/start.sh on port ${port} failed (${r.error?.message ?? r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }
  log(`LRS up on 127.0.0.1:${port} (data ${dataDir})`);
}

function stopLrs(dataDir) {
  const r = spawnSync(join(REPO, 'scripts/lrs/stop.sh'), ['--data-dir', dataDir],
    { encoding: 'utf8', timeout: 30_000, cwd: REPO });
  if (r.status !== 0) log(`stop.sh --data-dir ${dataDir}: ${r.error?.message ?? r.status} ${r.stderr}`);
  return r.status === 0;
}

function basic({ account, password }) {
  return `Basic ${Buffer.from(`${account}:${password}`, 'utf8').toString('base64')}`;
}

/** One HTTP request; resolves with {status, text}. Bounded by `timeoutMs`. */
function request(url, { method = 'GET', headers = {}, body, agent, timeoutMs = 60_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Every statement id the LRS holds, read as the trainer (all learners), following `more`. */
async function lrsIds(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = `http://127.0.0.1:${port}`;
  const ids = [];
  let next = '/xAPI/statements?limit=100';
  try {
    for (let page = 0; next; page++) {
      if (page > N / 100 + 1000) throw new Error('GET paging does not end');
      const r = await request(new URL(next, base), {
        agent,
        headers: { Authorization: basic(TRAINER), 'X-Experience-API-Version': '1.0.3' },
      });
      if (r.status !== 200) throw new Error(`GET ${next} as trainer: ${r.status} ${r.text.slice(0, 300)}`);
      const json = JSON.parse(r.text);
      for (const s of json.statements) ids.push(s.id);
      next = json.more || null;
    }
  } finally {
    agent.destroy();
  }
  return ids;
}

async function verifyLrs(port, expectedIds, label) {
  const ids = await lrsIds(port);
  const held = new Set(ids);
  const missing = expectedIds.filter((id) => !held.has(id)).length;
  const expected = new Set(expectedIds);
  const extra = ids.filter((id) => !expected.has(id)).length;
  if (ids.length !== expectedIds.length || held.size !== ids.length || missing || extra) {
    throw new Error(`${label}: the LRS holds ${ids.length} statements (${held.size} distinct, ${missing} of ours missing, ${extra} not ours); expected exactly ${expectedIds.length}`);
  }
  return ids.length;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

// ---------------------------------------------------------------- statements

/** The worked examples of docs/xapi-profile.md, by label (E1..E17). */
function profileExamples() {
  const doc = readFileSync(join(REPO, 'docs/xapi-profile.md'), 'utf8');
  const out = {};
  for (const m of doc.matchAll(/^### (E\d+)\.[^\n]*\n+```json\n([\s\S]*?)\n```/gm)) out[m[1]] = JSON.parse(m[2]);
  for (let i = 1; i <= 17; i++) if (!out[`E${i}`]) throw new Error(`docs/xapi-profile.md: example E${i} not found`);
  return out;
}

/**
 * N statements as the portal makes them: attempts replayed from the profile's examples, each
 * event's statements sharing its timestamp and event-seq, as in `statements_from`.
 * Returns [{id, attempt_id, account, order, body}] (the outbox record format), oldest first.
 */
function generateStatements(config) {
  const ex = profileExamples();
  const docBase = 'https://boiduong.example/xapi';
  const base = config.base_iri.replace(/\/+$/, '');
  const platform = `${config.portal_name} ${cargoVersion()} (web)`;
  const actor = {
    objectType: 'Agent',
    name: LEARNER.name,
    account: { homePage: config.account_home_page, name: LEARNER.account },
  };
  const progress = (p) => ['E5', p];
  // Events of a full module run (2 lessons, 3 check items) and of a two-choice scenario play,
  // in the order of docs/xapi-profile.md "Learner action -> statements".
  const moduleRun = (verdict) => [
    ['E1', 'E2'], ['E3'], ['E4', progress(20)], ['E3'], ['E4', progress(40)],
    ['E6'], [progress(60)], ['E7'], [progress(80)], ['E8'], ['E9', verdict, 'E12'],
  ];
  const scenarioRun = [['E13', 'E14'], ['E15'], ['E15'], ['E16', 'E17']];
  const attempts = [moduleRun('E10'), scenarioRun, moduleRun('E11'), scenarioRun];

  const events = []; // {registration, seq, statements: [template, progress?]}
  let count = 0;
  for (let a = 0; count < N; a++) {
    const registration = randomUUID();
    const run = attempts[a % attempts.length];
    for (let seq = 0; seq < run.length && count < N; seq++) {
      const parts = run[seq].slice(0, N - count);
      events.push({ registration, seq, parts });
      count += parts.length;
    }
  }
  // Events 20-64 s apart, the last one a minute ago (timestamps are never in the future).
  const gaps = events.map((_, i) => 20_000 + ((i * 7919) % 44_000) + (i % 1000));
  let t = Date.now() - 60_000 - gaps.reduce((s, g) => s + g, 0);
  const records = [];
  events.forEach((event, i) => {
    t += gaps[i];
    const timestamp = new Date(t).toISOString();
    event.parts.forEach((part, k) => {
      const [label, pct] = Array.isArray(part) ? part : [part, undefined];
      const s = JSON.parse(JSON.stringify(ex[label]).replaceAll(docBase, base));
      s.id = randomUUID();
      s.actor = actor;
      s.timestamp = timestamp;
      s.context.registration = event.registration;
      s.context.platform = platform;
      s.context.language = 'vi';
      const ext = s.context.extensions;
      ext[`${base}/extensions/class-code`] = LEARNER.classCode;
      ext[`${base}/extensions/event-seq`] = event.seq;
      if (pct !== undefined) s.result.extensions['https://w3id.org/xapi/cmi5/result/extensions/progress'] = pct;
      records.push({ id: s.id, attempt_id: event.registration, account: LEARNER.account, order: t * 1000 + k, body: JSON.stringify(s) });
    });
  });
  return records;
}

function cargoVersion() {
  const m = readFileSync(join(REPO, 'Cargo.toml'), 'utf8').match(/^version\s*=\s*"([^"]+)"/m);
  return m ? m[1] : '0.0.0';
}

function validateAll(records) {
  const require = createRequire(import.meta.url);
  const validate = require('@learninglocker/xapi-validation').default;
  if (validate({ id: 'not-a-uuid', actor: {}, verb: {}, object: {} }).length === 0) {
    throw new Error('@learninglocker/xapi-validation accepted a broken statement: validator unusable');
  }
  const ids = new Set();
  for (const r of records) {
    const warnings = validate(JSON.parse(r.body));
    if (warnings.length) throw new Error(`generated statement ${r.id} is invalid: ${JSON.stringify(warnings).slice(0, 500)}`);
    ids.add(r.id);
  }
  if (ids.size !== records.length) throw new Error('generated statement ids are not distinct');
}

// ---------------------------------------------------------------- portal drain

// Installed before the app on every page load: logs each value the sync page's pending count
// takes (performance.now(), count), the time of a click on "Sync now", and keeps every
// resource timing entry (default buffer: 250).
const INIT_SCRIPT = `(() => {
  performance.setResourceTimingBufferSize(100000);
  window.__pendingLog = [];
  let last = null;
  const look = () => {
    const el = document.querySelector('[data-testid=pending]');
    if (!el) return;
    const c = Number(el.getAttribute('data-count'));
    if (c !== last) { last = c; window.__pendingLog.push([performance.now(), c]); }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-count'] });
  document.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('[data-testid=sync-now]')) window.__syncNowAt = performance.now();
  }, true);
})();`;

async function portalDrain(records, lrsOrigin) {
  browser = await launchChromium(['--disable-quic']);
  const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(INIT_SCRIPT);

  // Sign in through the UI, "remember" ticked so the credentials survive the reload.
  await page.goto(`${WEB}/sign-in`);
  await page.locator('#account').fill(LEARNER.account);
  await page.locator('#password').fill(LEARNER.password);
  await page.locator('#name').fill(LEARNER.name);
  // No class code: signing in with one queues the learner's `joined` statement, which the
  // LRS would then hold beside the N (the statements carry the class code themselves).
  await page.locator('#remember').check();
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'), { timeout: 30_000 });
  if (page.url().includes('offline-sign-in')) throw new Error(`sign-in was not checked by the LRS (${page.url()}): is ${lrsOrigin} reachable with CORS for ${WEB}?`);
  const remembered = await page.evaluate(() => localStorage.getItem('boiduong.remember'));
  if (!remembered) throw new Error('sign-in did not remember the credentials');

  // Queue the statements the way the app does (records {id, attempt_id, account, order, body} in
  // `outbox` and `statements`, one transaction), with the raw IndexedDB API.
  await page.evaluate(() => { window.__benchRecords = []; });
  for (let i = 0; i < records.length; i += 1000) {
    await page.evaluate((chunk) => { window.__benchRecords.push(...chunk); }, records.slice(i, i + 1000));
  }
  const queued = await page.evaluate(() => new Promise((done, fail) => {
    const open = indexedDB.open('boiduong');
    open.onerror = () => fail(new Error(`open: ${open.error}`));
    open.onsuccess = () => {
      const db = open.result;
      if (db.version !== 5) { db.close(); fail(new Error(`database schema ${db.version}, expected 5`)); return; }
      const tx = db.transaction(['outbox', 'statements'], 'readwrite', { durability: 'strict' });
      const outbox = tx.objectStore('outbox');
      const ledger = tx.objectStore('statements');
      for (const r of window.__benchRecords) { outbox.add(r); ledger.add(r); }
      tx.onabort = () => { db.close(); fail(new Error(`write aborted: ${tx.error}`)); };
      tx.oncomplete = () => {
        window.__benchRecords = null;
        const count = db.transaction('outbox').objectStore('outbox').count();
        count.onsuccess = () => { db.close(); done(count.result); };
        count.onerror = () => { db.close(); fail(count.error); };
      };
    };
  }));
  if (queued !== records.length) throw new Error(`outbox holds ${queued} records after the write, expected ${records.length}`);

  // Reload on the sync page: the start-up sync drains the outbox.
  await page.goto(`${WEB}/sync`);
  await page.waitForFunction((n) => window.__pendingLog.some(([, c]) => c === n), records.length, { timeout: 120_000, polling: 50 });
  const syncNow = page.getByTestId('sync-now');
  if (await page.getByTestId('need-password').count()) throw new Error('after the reload the app asks for the password: "remember" did not restore the credentials');

  let trigger = 'start-up sync';
  const deadline = Date.now() + Math.max(600_000, records.length * 200);
  let lastChange = Date.now();
  let lastLen = 0;
  let clicked = false;
  for (;;) {
    const { log: pl, error } = await page.evaluate(() => ({
      log: window.__pendingLog,
      error: document.querySelector('[data-testid=sync-error]')?.textContent ?? null,
    }));
    const firstN = pl.findIndex(([, c]) => c === records.length);
    if (pl.slice(firstN).some(([, c]) => c === 0)) break;
    if (pl.length !== lastLen) { lastLen = pl.length; lastChange = Date.now(); }
    // The start-up sync did not start (count still N and the button is enabled): "Sync now".
    if (!clicked && Date.now() - lastChange > 3_000 && pl.at(-1)[1] === records.length && await syncNow.isEnabled()) {
      log('the start-up sync did not start within 3 s of showing the outbox; clicking "Sync now"');
      await syncNow.click();
      clicked = true;
      trigger = '"Sync now" click';
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > 60_000) throw new Error(`drain stalled at ${pl.at(-1)[1]} pending for 60 s (sync error shown: ${error})`);
    if (Date.now() > deadline) throw new Error(`drain not finished by the deadline (${pl.at(-1)[1]} pending)`);
    await sleep(100);
  }
  const m = await page.evaluate(({ n, origin, useClick }) => {
    const pl = window.__pendingLog;
    const i = pl.findIndex(([, c]) => c === n);
    const t0 = useClick ? window.__syncNowAt : pl[i][0];
    const j = pl.findIndex(([, c], k) => k > i && c === 0);
    const t1 = pl[j][0];
    const lrs = performance.getEntriesByType('resource')
      .filter((e) => e.name.startsWith(origin) && e.startTime >= t0 - 1 && e.startTime <= t1)
      .map((e) => ({ start: e.startTime, duration: e.duration, url: e.name }));
    return { t0, t1, steps: pl.slice(i, j + 1), lrs };
  }, { n: records.length, origin: lrsOrigin, useClick: clicked });

  const rejectedRows = await page.getByTestId('rejected-row').count();
  if (rejectedRows) throw new Error(`the portal shows ${rejectedRows} rejected statements`);
  await browser.close();
  browser = undefined;
  if (problems.length) log(`page problems during the drain:\n  ${problems.join('\n  ')}`);
  return { ...m, trigger, ms: m.t1 - m.t0 };
}

// ---------------------------------------------------------------- plain client

async function plainClient(records, port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = `http://127.0.0.1:${port}/xAPI/statements`;
  const headers = {
    Authorization: basic(LEARNER),
    'X-Experience-API-Version': '1.0.3',
    'Content-Type': 'application/json',
  };
  const bodies = [];
  for (let i = 0; i < records.length; i += BATCH) {
    bodies.push(`[${records.slice(i, i + BATCH).map((r) => r.body).join(',')}]`);
  }
  // Warm-up, as the portal's sign-in does: one read of the learner's own statements (Ralph's
  // first request pays for lazy imports; the portal's LRS has served the sign-in check).
  const warm = await request(`${url}?limit=1`, { agent, headers: { Authorization: basic(LEARNER), 'X-Experience-API-Version': '1.0.3' } });
  if (warm.status !== 200) throw new Error(`plain warm-up GET: ${warm.status} ${warm.text.slice(0, 300)}`);
  const durations = [];
  const start = performance.now();
  try {
    for (const [k, body] of bodies.entries()) {
      const t = performance.now();
      const r = await request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, body });
      durations.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`plain POST #${k}: ${r.status} ${r.text.slice(0, 300)}`);
      const n = JSON.parse(r.text).length;
      const expected = Math.min(BATCH, records.length - k * BATCH);
      if (n !== expected) throw new Error(`plain POST #${k}: LRS stored ${n} of ${expected}`);
    }
  } finally {
    agent.destroy();
  }
  return { ms: performance.now() - start, durations, requests: bodies.length };
}

// ---------------------------------------------------------------- main

function cleanup() {
  if (server && server.exitCode === null) server.kill();
  for (const dir of lrsDirs) stopLrs(dir);
  lrsDirs.length = 0;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    browser?.close().catch(() => {});
    cleanup();
    process.exit(130);
  });
}

let ok = false;
try {
  if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'config.json'))) {
    throw new Error(`${dist} has no built portal (index.html, config.json): build it first (scripts/build.sh)`);
  }
  // The portal, served from a copy whose config points at the benchmark's LRS.
  const site = join(work, 'site');
  cpSync(dist, site, { recursive: true });
  const config = JSON.parse(readFileSync(join(site, 'config.json'), 'utf8'));
  const portalLrs = `http://127.0.0.1:${PORTAL_LRS_PORT}`;
  config.lrs_endpoint = `${portalLrs}/xAPI/`;
  writeFileSync(join(site, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);

  const records = generateStatements(config);
  validateAll(records);
  const ids = records.map((r) => r.id);
  const bytes = records.reduce((s, r) => s + Buffer.byteLength(r.body), 0);
  log(`${records.length} statements generated and valid (${fmt(bytes / 1024 / 1024, 1)} MiB, ${fmt(bytes / records.length)} bytes on average)`);

  // Phase 1: the portal drains its outbox.
  startLrs(join(work, 'lrs-portal'), PORTAL_LRS_PORT);
  server = spawn(process.execPath, [join(REPO, 'scripts/static-server.mjs'), site, String(WEB_PORT)], { stdio: 'ignore' });
  await waitForServer(`${WEB}/index.html`);
  log('portal: signing in, queueing, reloading, draining...');
  const portal = await portalDrain(records, portalLrs);
  server.kill();
  const portalHeld = await verifyLrs(PORTAL_LRS_PORT, ids, 'portal drain');
  stopLrs(lrsDirs.pop());

  // Phase 2: the same statements from a plain client to a fresh LRS.
  startLrs(join(work, 'lrs-plain'), PLAIN_LRS_PORT);
  log('plain client: posting...');
  const plain = await plainClient(records, PLAIN_LRS_PORT);
  const plainHeld = await verifyLrs(PLAIN_LRS_PORT, ids, 'plain client');
  stopLrs(lrsDirs.pop());

  // Figures.
  const portalRate = (N * 1000) / portal.ms;
  const plainRate = (N * 1000) / plain.ms;
  const ratio = portalRate / plainRate;
  const lrsBusy = portal.lrs.reduce((s, e) => s + e.duration, 0);
  // Time of each drive-loop round: between successive pending counts (one POST each; the
  // first round also holds whatever the run does before its first request).
  const rounds = portal.steps.slice(1).map(([t], k) => t - portal.steps[k][0]);
  const avg = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : NaN);
  const k = Math.min(10, Math.floor(rounds.length / 2));
  const plainAvg = avg(plain.durations);

  console.log(`Boiduong sync benchmark: N=${N} statements (${fmt(bytes / records.length)} bytes average, ${BATCH} per POST), Ralph 5.1.0 fs backend, ${cpus().length} CPUs`);
  console.log(`  portal drain   ${fmt(portal.ms).padStart(8)} ms  ${fmt(portalRate).padStart(6)} statements/s  (headless Chromium, from the ${portal.trigger} to pending 0; LRS holds ${portalHeld})`);
  console.log(`  plain client   ${fmt(plain.ms).padStart(8)} ms  ${fmt(plainRate).padStart(6)} statements/s  (Node, one keep-alive connection, sequential; LRS holds ${plainHeld})`);
  console.log(`  ratio portal/plain ${fmt(ratio, 2)}: goal >= ${GOAL} ${ratio >= GOAL ? 'MET' : 'NOT MET'}`);
  console.log(`  detail: portal ${portal.lrs.length} LRS requests, ${fmt(lrsBusy)} ms waiting for them (${fmt((100 * lrsBusy) / portal.ms)}% of the drain), ` +
    `${fmt(portal.ms - lrsBusy)} ms in the app between requests; plain ${plain.requests} POSTs, ${fmt(plainAvg, 1)} ms each on average`);
  console.log(`  detail: portal drive-loop round (POST + settle; the first also reads the outbox), first ${k}: ${fmt(avg(rounds.slice(0, k)), 1)} ms, ` +
    `last ${k}: ${fmt(avg(rounds.slice(-k)), 1)} ms; portal LRS request first ${k}: ${fmt(avg(portal.lrs.slice(0, k).map((e) => e.duration)), 1)} ms, last ${k}: ${fmt(avg(portal.lrs.slice(-k).map((e) => e.duration)), 1)} ms; ` +
    `plain POST first ${k}: ${fmt(avg(plain.durations.slice(0, k)), 1)} ms, last ${k}: ${fmt(avg(plain.durations.slice(-k)), 1)} ms`);
  ok = true;
} catch (e) {
  console.error(`bench-sync: FAILED: ${e.stack ?? e}`);
  try {
    await browser?.contexts()[0]?.pages()[0]?.screenshot({ path: join(work, 'bench-sync-fail.png'), fullPage: true });
    if (browser) log(`screenshot: ${join(work, 'bench-sync-fail.png')}`);
  } catch { /* no page */ }
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => {});
  cleanup();
  if (ok) rmSync(work, { recursive: true, force: true });
  else log(`kept ${work} (LRS logs, site copy) for inspection`);
}
