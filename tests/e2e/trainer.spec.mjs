// End-to-end: the trainer review against the run's real LRS (Ralph), seeded with two
// simulated classes (boiduong-synth: the portal's own engine and xAPI mapping) posted by the
// seed account. The figures on screen are checked against the seeded statements, computed
// here independently of the Rust aggregation; every CSV must equal its table on screen.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, axeReport } from './fixtures.mjs';
import { signIn } from './pages.mjs';
import { ACCOUNTS, LRS_ENDPOINT, LRS_URL, TRAINER } from './env.mjs';
import { getStatements } from './lrs.mjs';
import { competencyName, loadModule, loadScenario, text, vi } from './content.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const TMP = join(ROOT, 'target', 'tmp');
const BASE = 'https://boiduong.example/xapi';
const CLASS = 'QLNN-2026-E2E';
const OTHER = 'KHAC-2026-E2E';
const SEEDER = 'dulieumau:dulieumau-pass';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
/** The seeded modules: one with a plain check, one question pool (pre-test, post-test). */
const MODULES = 'an-toan-thong-tin-van-phong,tiep-cong-dan';
const POOL = 'tiep-cong-dan';
const VERB = (v) => `http://adlnet.gov/expapi/verbs/${v}`;

/** The synth binary built by scripts/test.sh (release), else the debug one. */
function synthBinary() {
  for (const p of ['target/release/boiduong-synth', 'target/debug/boiduong-synth']) {
    if (existsSync(join(ROOT, p))) return join(ROOT, p);
  }
  throw new Error('boiduong-synth is not built: cargo build --release -p boiduong-core --features compiler --bin boiduong-synth');
}

/** Statements of a simulated class, two weeks from three weeks ago: retries run a few days on, never into the future. */
function synthesize(classCode, learners, seed, prefix, out) {
  const from = new Date(Date.now() - 21 * 86_400_000).toISOString().slice(0, 10);
  execFileSync(
    synthBinary(),
    [
      '--content', join(ROOT, 'content'),
      '--learners', String(learners),
      '--class', classCode,
      '--seed', String(seed),
      '--scenarios', '3',
      '--modules', MODULES,
      '--prefix', prefix,
      '--from', from,
      '--days', '14',
      '--home-page', LRS_URL,
      '--base', BASE,
      '--out', out,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(out, 'utf8'));
}

const ext = (name) => `${BASE}/extensions/${name}`;

/** What the screen must show for one scenario and class, from the raw statements. */
function expected(statements, scenarioId, classCode) {
  const sid = `${BASE}/scenarios/${scenarioId}`;
  const mine = statements.filter(
    (s) =>
      s.context?.extensions?.[ext('class-code')] === classCode &&
      (s.object.id === sid || s.object.id.startsWith(`${sid}/`)),
  );
  const registrations = new Set(mine.map((s) => s.context.registration));
  const learners = new Set(mine.map((s) => s.actor.account.name));
  const completed = mine.filter((s) => s.verb.id === 'http://adlnet.gov/expapi/verbs/completed' && s.object.id === sid);
  const endings = {};
  for (const s of completed) {
    const e = s.result.extensions[ext('ending')];
    endings[e] = (endings[e] ?? 0) + 1;
  }
  const done = new Set(completed.map((s) => s.context.registration)).size;
  return { learners: learners.size, attempts: registrations.size, completed: done, endings, rate: registrations.size ? (100 * done) / registrations.size : 0 };
}

/**
 * `x` with `d` decimals as the review's Rust formatting writes it: the exact value rounded,
 * an exact tie to even (JavaScript's toFixed takes the larger one), never `-0.0`.
 */
function fixed(x, d) {
  const [int, frac] = Math.abs(x).toFixed(80).split('.');
  let out;
  if (frac[d] === '5' && /^0*$/.test(frac.slice(d + 1))) {
    const cut = d > 0 ? `${int}.${frac.slice(0, d)}` : int;
    const odd = Number(cut.at(-1)) % 2 === 1;
    out = odd ? Math.abs(x).toFixed(d) : cut;
  } else out = Math.abs(x).toFixed(d);
  return x < 0 && /[1-9]/.test(out) ? `-${out}` : out;
}
const pct = (x) => (x == null ? '—' : `${fixed(x, 1)} %`);
const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
/** The core's normalised gain (module::gain_from_percent). */
const gainFromPercent = (pre, post) => (pre >= 100 ? (post - 100) / 100 : (post - pre) / (100 - pre));

/** The seeded statements the trainer reads (verbs fetched) of one class, by registration. */
function registrations(statements, classCode, keep) {
  const byReg = new Map();
  for (const s of statements) {
    if (s.context?.extensions?.[ext('class-code')] !== classCode) continue;
    if (!['launched', 'answered', 'completed', 'passed', 'failed'].map(VERB).includes(s.verb.id)) continue;
    if (!keep(s)) continue;
    // An anonymous evaluation has no registration: its actor's account (the evaluation's own
    // UUID) groups it, as the review does.
    const r = s.context.registration ?? (s.actor.name ? undefined : s.actor.account.name);
    if (r === undefined) continue;
    if (!byReg.has(r)) byReg.set(r, []);
    byReg.get(r).push(s);
  }
  return [...byReg.entries()].map(([reg, list]) => ({
    reg,
    account: list[0].actor.account.name,
    actor: list[0].actor,
    start: Math.min(...list.map((s) => Date.parse(s.timestamp))),
    list,
  }));
}

/** Pre/post of a module from the raw statements: the pairing of attempt::pretest_gain. */
function expectedPrePost(statements, moduleId, classCode) {
  const mid = `${BASE}/modules/${moduleId}`;
  const attempts = registrations(
    statements,
    classCode,
    (s) => s.object.id === mid || s.object.id === `${mid}/pretest` || s.object.id.startsWith(`${mid}/items/`),
  );
  const score = (a, verbs, object) => {
    const s = a.list.find((x) => verbs.includes(x.verb.id) && x.object.id === object && x.result?.score);
    return s ? (100 * s.result.score.raw) / s.result.score.max : null;
  };
  const later = (a, b) => (b.start > a.start || (b.start === a.start && b.reg > a.reg) ? b : a);
  const byLearner = new Map();
  for (const a of attempts) {
    const pre = a.list.some((s) => s.object.id === `${mid}/pretest`);
    const pct = pre ? score(a, [VERB('completed')], `${mid}/pretest`) : score(a, [VERB('passed'), VERB('failed')], mid);
    if (pct == null) continue;
    if (!byLearner.has(a.account)) byLearner.set(a.account, { pres: [], posts: [] });
    byLearner.get(a.account)[pre ? 'pres' : 'posts'].push({ ...a, pct });
  }
  const rows = {};
  for (const [account, { pres, posts }] of byLearner) {
    if (!pres.length) continue;
    const post = posts.length ? posts.reduce(later) : null;
    const before = post ? pres.filter((p) => p.start <= post.start) : [];
    const paired = before.length ? before.reduce(later) : null;
    const pre = (paired ?? pres.reduce(later)).pct;
    rows[account] = { pre, post: post?.pct ?? null, gain: paired ? gainFromPercent(pre, post.pct) : null, pretests: pres.length };
  }
  const pairs = Object.values(rows).filter((r) => r.gain != null);
  const meanPre = mean(pairs.map((r) => r.pre));
  const meanPost = mean(pairs.map((r) => r.post));
  return {
    rows,
    summary: [
      String(Object.keys(rows).length),
      String(pairs.length),
      pct(meanPre),
      pct(meanPost),
      pairs.length ? fixed(mean(pairs.map((r) => r.gain)), 2) : '—',
      pairs.length ? fixed(gainFromPercent(meanPre, meanPost), 2) : '—',
    ],
  };
}

/** A module's evaluations from the raw statements: each learner's latest, every anonymous one. */
function expectedEvaluations(statements, moduleId, classCode) {
  const prefix = `${BASE}/modules/${moduleId}/evaluation/`;
  const records = registrations(statements, classCode, (s) => s.object.id.startsWith(prefix)).map((r) => ({
    ...r,
    anonymous: !r.actor.name && r.actor.account.name === r.reg,
    answers: Object.fromEntries(r.list.map((s) => [s.object.id.slice(prefix.length), s.result.response])),
  }));
  const latest = new Map();
  const anonymous = [];
  for (const r of records) {
    if (r.anonymous) anonymous.push(r);
    else {
      const prev = latest.get(r.account);
      if (!prev || r.start > prev.start || (r.start === prev.start && r.reg > prev.reg)) latest.set(r.account, r);
    }
  }
  const counted = [...latest.values(), ...anonymous];
  const questions = ['usefulness', 'clarity', 'relevance'].map((q) => {
    const values = counted.map((r) => Number(r.answers[q])).filter((v) => v >= 1 && v <= 5);
    const counts = [1, 2, 3, 4, 5].map((k) => String(values.filter((v) => v === k).length));
    return [String(values.length), values.length ? fixed(mean(values), 1) : '—', ...counts];
  });
  return { counted, anonymous, questions };
}

/** Cells of a review table on screen: header row then rows. */
async function tableCells(page, id) {
  const table = page.getByTestId(`table-${id}`).locator('table');
  await expect(table).toBeVisible();
  return table.evaluate((t) =>
    [...t.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th,td')].map((c) => c.textContent.trim())),
  );
}

/** RFC 4180 parse (quoted fields, doubled quotes, CRLF). */
function parseCsv(textIn) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < textIn.length; i += 1) {
    const c = textIn[i];
    if (quoted) {
      if (c === '"' && textIn[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && textIn[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
}

/** Downloads a table's CSV and checks it is UTF-8 with BOM and equals the table on screen. */
async function expectCsvEqualsScreen(page, id) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`csv-${id}`).click()]);
  const path = await download.path();
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 3)], `${id}.csv starts with a UTF-8 BOM`).toEqual([0xef, 0xbb, 0xbf]);
  const csv = parseCsv(bytes.subarray(3).toString('utf8'));
  const screen = await tableCells(page, id);
  expect(csv, `${id}.csv equals the table on screen`).toEqual(screen);
  return csv;
}

let seeded = [];
let scenarios = [];

test.beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  const a = synthesize(CLASS, 40, 11, 'hv-e2e-a', join(TMP, 'e2e-class-a.json'));
  const b = synthesize(OTHER, 8, 12, 'hv-e2e-b', join(TMP, 'e2e-class-b.json'));
  for (const f of ['e2e-class-a.json', 'e2e-class-b.json']) {
    execFileSync('node', [join(ROOT, 'scripts', 'seed-lrs.mjs'), join(TMP, f), LRS_ENDPOINT, SEEDER], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  seeded = [...a, ...b];
  const prefix = `${BASE}/scenarios/`;
  scenarios = [...new Set(a.map((s) => s.object.id).filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length).split('/')[0]))].sort();
  expect(scenarios.length).toBeGreaterThanOrEqual(1);
});

test('a trainer filters a class, reads a scenario whose figures match the seeded data, replays a learner, exports CSV', async ({ page }) => {
  test.setTimeout(180_000);
  // Every statement query of the trainer, from the first read on.
  const reads = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${LRS_URL}/xAPI/statements`) && r.method() === 'GET') reads.push(new URL(r.url()));
  });
  await signIn(page, TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await expect(page.getByTestId('nav-trainer')).toBeVisible();
  // First visit reads the LRS; the progress line shows while it does.
  await expect(page.getByTestId('trainer-refresh')).toBeEnabled({ timeout: 120_000 });
  await expect(page.getByTestId('trainer-error')).toHaveCount(0);

  // Filter the class: 40 learners, each with a last-synced time.
  await page.getByTestId('filter-class').selectOption(CLASS);
  const learners = await tableCells(page, 'class-learners');
  expect(learners.length - 1).toBe(40);
  for (const row of learners.slice(1)) expect(row[2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await expectCsvEqualsScreen(page, 'class-learners');
  expect(await axeReport(page, 'trainer home')).toBe('');
  // The review reads oldest first, so an interrupted read resumes where its cache ends
  // (crates/core/src/review/refresh.rs): every first page asks `ascending=true`.
  const firstReads = reads.filter((u) => u.searchParams.has('verb') && !u.searchParams.has('pit_id') && !u.searchParams.has('search_after'));
  expect(firstReads.length, 'one first page per verb').toBeGreaterThanOrEqual(5);
  for (const u of firstReads) expect(u.searchParams.get('ascending'), `${u}`).toBe('true');

  // Open a scenario; its figures equal those computed from the seeded statements.
  const scenarioId = scenarios[0];
  const scenario = loadScenario(scenarioId);
  const want = expected(seeded, scenarioId, CLASS);
  await page.getByTestId('trainer-content').getByRole('link', { name: text(scenario.title) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text(scenario.title));
  const summary = await tableCells(page, 'scenario-summary');
  const value = (key) => summary.find((r) => r[0] === key)?.[1];
  expect(value('Học viên')).toBe(String(want.learners));
  expect(value('Lượt làm')).toBe(String(want.attempts));
  expect(value('Hoàn thành')).toBe(String(want.completed));
  expect(value('Tỷ lệ hoàn thành')).toBe(`${want.rate.toFixed(1)} %`);
  const endings = await tableCells(page, 'scenario-endings');
  const shown = Object.fromEntries(endings.slice(1).map((r) => [r[0], Number(r[3])]));
  for (const [ending, n] of Object.entries(want.endings)) expect(shown[ending], `ending ${ending}`).toBe(n);

  // The flow diagram draws every node; the start node shows every learner who began.
  const flow = page.getByTestId('flow-diagram');
  await expect(flow.locator('g[data-node]')).toHaveCount(scenario.nodes.length);
  await expect(flow.locator(`g[data-node="${scenario.start}"]`)).toContainText(`n = ${want.learners}`);
  // Charts have their text alternative: an accessible name and the table of the same figures.
  await expect(page.getByTestId('chart-endings')).toHaveAttribute('aria-label', /.+/);
  await expectCsvEqualsScreen(page, 'scenario-endings');
  await expectCsvEqualsScreen(page, 'scenario-nodes');
  expect(await axeReport(page, 'trainer scenario')).toBe('');
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'trainer-scenario.png'), fullPage: true });

  // Replay one learner: every decision they made in this scenario is a row of the path.
  const link = page.getByTestId('trainer-learners').getByRole('link').first();
  const account = (await link.textContent()).match(/\(([^)]+)\)$/)[1];
  await link.click();
  await expect(page.getByTestId('trainer-learner')).toBeVisible();
  const decisions = seeded.filter(
    (s) =>
      s.actor.account.name === account &&
      s.verb.id === 'http://adlnet.gov/expapi/verbs/answered' &&
      s.object.id.startsWith(`${BASE}/scenarios/${scenarioId}/nodes/`),
  );
  const path = await tableCells(page, 'learner-path');
  expect(path.length - 1).toBe(decisions.length);
  await expectCsvEqualsScreen(page, 'learner-path');
  expect(await axeReport(page, 'trainer learner replay')).toBe('');

  // Three more learners of the class sync; "refresh" asks the LRS only for what it stored
  // since the last read (every statement query carries `since`) and the class grows.
  const more = synthesize(CLASS, 3, 13, 'hv-e2e-c', join(TMP, 'e2e-class-c.json'));
  execFileSync('node', [join(ROOT, 'scripts', 'seed-lrs.mjs'), join(TMP, 'e2e-class-c.json'), LRS_ENDPOINT, SEEDER], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  seeded.push(...more);
  const queries = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${LRS_URL}/xAPI/statements`)) queries.push(new URL(r.url()));
  });
  await page.getByRole('link', { name: vi.trainer_back_scenario }).click();
  await page.getByRole('link', { name: vi.trainer_back }).click();
  await page.getByTestId('trainer-refresh').click();
  await expect(page.getByTestId('trainer-refresh')).toBeEnabled({ timeout: 60_000 });
  const firstPages = queries.filter((u) => !u.searchParams.has('pit_id') && !u.searchParams.has('search_after'));
  expect(firstPages.length).toBeGreaterThanOrEqual(5);
  for (const u of firstPages) {
    expect(u.searchParams.get('since'), `${u}`).toBeTruthy();
    expect(u.searchParams.get('ascending'), `${u}`).toBe('true');
  }
  await expect(async () => {
    const rows = await tableCells(page, 'class-learners');
    expect(rows.length - 1).toBe(43);
  }).toPass({ timeout: 10_000 });
  expect(more.length).toBeGreaterThan(0);
});

test('a trainer opens a pool module: pre/post gains and evaluations match the seeded data; self-ratings beside what scenarios measured', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await expect(page.getByTestId('trainer-refresh')).toBeEnabled({ timeout: 120_000 });
  await page.getByTestId('filter-class').selectOption(CLASS);
  const classOnly = seeded.filter((s) => s.context?.extensions?.[ext('class-code')] === CLASS);

  // The class's shared self-ratings beside the measured levels: a chart with its table.
  const selfRating = page.getByTestId('trainer-selfrating');
  await expect(selfRating.getByTestId('chart-selfrating')).toHaveAttribute('aria-label', /.+/);
  const ratings = await expectCsvEqualsScreen(page, 'selfrating-measured');
  const rated = {};
  for (const s of classOnly.filter((x) => x.object.id.includes('/competencies/'))) {
    const c = s.object.id.split('/competencies/')[1].split('/')[0];
    (rated[c] ??= new Set()).add(s.actor.account.name);
  }
  expect(Object.keys(rated).length).toBeGreaterThan(0);
  for (const [c, who] of Object.entries(rated)) {
    const row = ratings.find((r) => r[0] === competencyName(c));
    expect(row?.[2], `learners self-rating ${c}`).toBe(String(who.size));
  }
  // Nobody whose ratings are private, nor an anonymous evaluation, is a learner of the class.
  const learners = await tableCells(page, 'class-learners');
  const players = new Set(classOnly.filter((s) => s.object.id.startsWith(`${BASE}/scenarios/`)).map((s) => s.actor.account.name));
  expect(learners.length - 1).toBe(players.size);
  await selfRating.scrollIntoViewIfNeeded();
  mkdirSync(SHOTS, { recursive: true });
  await selfRating.screenshot({ path: join(SHOTS, 'trainer-selfrating.png') });

  // The pool module: pre/post and evaluations equal what the seeded statements give.
  const module = loadModule(POOL);
  await page.getByTestId('trainer-content').getByRole('link', { name: text(module.title), exact: true }).click();
  await expect(page.getByTestId('trainer-module')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text(module.title));
  const want = expectedPrePost(seeded, POOL, CLASS);
  expect(Number(want.summary[1]), 'the seeded class has pre/post pairs').toBeGreaterThan(5);
  const summary = await expectCsvEqualsScreen(page, 'prepost-summary');
  expect(summary.slice(1).map((r) => r[1])).toEqual(want.summary);
  const rows = await expectCsvEqualsScreen(page, 'prepost-learners');
  expect(rows.length - 1).toBe(Object.keys(want.rows).length);
  for (const row of rows.slice(1)) {
    const w = want.rows[row[0]];
    expect(row.slice(2), `pre/post of ${row[0]}`).toEqual([
      pct(w.pre),
      pct(w.post),
      w.gain == null ? '—' : fixed(w.gain, 2),
      String(w.pretests),
    ]);
  }

  const evals = expectedEvaluations(seeded, POOL, CLASS);
  expect(evals.anonymous.length, 'some evaluations are anonymous').toBeGreaterThan(0);
  const overview = await expectCsvEqualsScreen(page, 'evaluation-overview');
  expect(overview.slice(1).map((r) => r[1])).toEqual([String(evals.counted.length), String(evals.anonymous.length)]);
  const questions = await expectCsvEqualsScreen(page, 'evaluation-questions');
  expect(questions.slice(1).map((r) => r.slice(1))).toEqual(evals.questions);
  const texts = await expectCsvEqualsScreen(page, 'evaluation-texts');
  const anonymousRows = texts.slice(1).filter((r) => r[0] === 'Ẩn danh');
  expect(anonymousRows.length).toBe(evals.anonymous.length);
  const shownText = texts.map((r) => r.join(' ')).join('\n');
  for (const a of evals.anonymous) expect(shownText, 'no anonymous account is shown').not.toContain(a.actor.account.name);
  // the item analysis reads only knowledge-check answers of full attempts, never pre-tests
  const items = await tableCells(page, 'items-summary');
  const firstFull = new Set(
    registrations(classOnly, CLASS, (s) => s.object.id === `${BASE}/modules/${POOL}` && [VERB('passed'), VERB('failed')].includes(s.verb.id)).map((a) => a.account),
  );
  expect(items[1][1]).toBe(String(firstFull.size));
  expect(await axeReport(page, 'trainer module')).toBe('');
  await page.getByTestId('trainer-prepost').screenshot({ path: join(SHOTS, 'trainer-prepost.png') });
  await page.getByTestId('trainer-evaluations').screenshot({ path: join(SHOTS, 'trainer-evaluations.png') });
});

test('a learner account sees no trainer area, and the LRS gives it none of the class data', async ({ page }) => {
  await signIn(page, ACCOUNTS.hocvien1);
  await expect(page.getByTestId('nav-trainer')).toHaveCount(0);
  await page.goto('/trainer');
  await expect(page.getByTestId('trainer-refused')).toBeVisible();
  await expect(page.getByText(vi.trainer_only)).toBeVisible();
  expect(await axeReport(page, 'trainer area refused to a learner')).toBe('');
  // The LRS itself: a learner's read of the seeded scenario returns none of the class's
  // statements (Ralph scopes `statements/read/mine` to what the account posted), while the
  // trainer's read returns them.
  const activity = `${BASE}/scenarios/${scenarios[0]}`;
  const asLearner = await getStatements({ activity, limit: '100' }, { as: ACCOUNTS.hocvien1 });
  const seededIds = new Set(seeded.map((s) => s.id));
  expect(asLearner.filter((s) => seededIds.has(s.id))).toHaveLength(0);
  const asTrainer = await getStatements({ activity, limit: '100' }, { as: TRAINER });
  expect(asTrainer.filter((s) => seededIds.has(s.id)).length).toBeGreaterThan(0);
});
