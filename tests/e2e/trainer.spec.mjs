// End-to-end: the trainer review against the run's real LRS (Ralph), seeded with two
// simulated classes (boiduong-synth: the portal's own engine and xAPI mapping), each
// simulated learner's statements posted by that learner's own LRS account. The figures on
// screen are checked against the seeded statements, computed here independently of the Rust
// aggregation; every CSV must equal its table on screen.
//
// Some learner accounts also post forgeries straight to the LRS (a result claimed falsely,
// another learner's actor): the figures must stay those of the honest statements, the
// forgeries be listed and counted (see `forgeries`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, axeReport } from './fixtures.mjs';
import { CatalogPage, SignInPage, openClass, signIn, signInTrainer } from './pages.mjs';
import { ACCOUNT_HOME_PAGE, ACCOUNTS, LRS_ENDPOINT, LRS_URL, SIMULATED, TRAINER } from './env.mjs';
import { getStatements, postStatements } from './lrs.mjs';
import { competencyName, loadModule, loadScenario, text, vi } from './content.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const TMP = join(ROOT, 'target', 'tmp');
const BASE = 'https://boiduong.example/xapi';
const CLASS = 'QLNN-2026-E2E';
const OTHER = 'KHAC-2026-E2E';
const SHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
/** The seeded modules: one with a plain check, one question pool (pre-test, post-test). */
const MODULES = 'an-toan-thong-tin-van-phong,tiep-cong-dan';
const POOL = 'tiep-cong-dan';
const VERB = (v) => `http://adlnet.gov/expapi/verbs/${v}`;
const JOINED = 'http://activitystrea.ms/join';

/** The synth binary built by scripts/test.sh (release), else the debug one. */
function synthBinary() {
  for (const p of ['target/release/boiduong-synth', 'target/debug/boiduong-synth']) {
    if (existsSync(join(ROOT, p))) return join(ROOT, p);
  }
  throw new Error('boiduong-synth is not built: cargo build --release -p boiduong-core --features compiler --bin boiduong-synth');
}

/**
 * Statements of a simulated class, two weeks from three weeks ago: retries run a few days on,
 * never into the future. Each carries the `authority` its learner's account gets from the LRS
 * (the simulator writes it; `seed` posts each statement with that account).
 */
function synthesize(classCode, { prefix, learners }, seed, out) {
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
      '--home-page', ACCOUNT_HOME_PAGE,
      '--base', BASE,
      '--out', out,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** Posts a file of simulated statements, each by its own learner's account. */
function seed(file) {
  execFileSync('node', [join(ROOT, 'scripts', 'lrs', 'seed-lrs.mjs'), file, LRS_ENDPOINT, '--as-authority'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const ext = (name) => `${BASE}/extensions/${name}`;
/** A simulated learner's account (start.sh --simulated: password `<account>-pass`). */
const learnerAccount = (name) => ({ account: name, password: `${name}-pass` });

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
    // An anonymous evaluation's registration is its class's: its actor's account (the
    // evaluation's own UUID) groups it, as the review does.
    const anonymous = !s.actor.name && s.object.id.includes('/evaluation/');
    const r = anonymous ? s.actor.account.name : s.context.registration;
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

/**
 * Position bias from the raw statements: per activity (`${prefix}${id}`), the places of the
 * options chosen (`shown-position`, one or several per answer) of the class's answers.
 */
function expectedPlaces(statements, prefix, classCode) {
  const out = {};
  for (const s of statements) {
    if (s.context?.extensions?.[ext('class-code')] !== classCode) continue;
    if (s.verb.id !== VERB('answered') || !s.object.id.startsWith(prefix)) continue;
    const id = s.object.id.slice(prefix.length);
    const place = s.result?.extensions?.[ext('shown-position')];
    const e = (out[id] ??= { chosen: 0, first: 0, unknown: 0 });
    if (place == null) e.unknown += 1;
    else
      for (const p of [place].flat()) {
        e.chosen += 1;
        if (p === 1) e.first += 1;
      }
  }
  return out;
}

const KIND_VI = { good: 'Tốt', mixed: 'Trung bình', bad: 'Chưa tốt' };
/** The score cell of the trust tables: whole numbers without decimals. */
const pts = (raw, max) => `${raw}/${max}`;

/**
 * Forgeries of class A, each posted by a learner's own account straight to the LRS:
 * 1. a wrong knowledge-check answer of the pool module claiming `success: true` and full
 *    points (its honest copy is not posted);
 * 2. a failed check of the pool module posted as `passed` with full points, picked so that
 *    believing it would move that learner's post-test (honest copy not posted);
 * 3. a completed scenario attempt with a bad ending claiming a good one (honest copy not
 *    posted);
 * 4. one learner posting a copy of their own scenario attempt under another learner's actor
 *    (new ids, new registration): the authority is not the actor.
 * Returns the statements to seed (class A without the honest copies of 1–3), the forged
 * statements with their poster, the trainer-table rows expected for the claims, and the
 * statements the trainer must set aside (it reads the victim's statements by agent: all of
 * the copies).
 */
function forgeries(honest, scenarioId) {
  const pool = `${BASE}/modules/${POOL}`;
  const who = (s) => s.actor.account.name;
  const wrong = honest.find(
    (s) =>
      s.verb.id === VERB('answered') &&
      s.object.id.startsWith(`${pool}/items/`) &&
      s.context.extensions[ext('item-role')] === 'check' &&
      s.result.success === false,
  );
  const honestPrePost = JSON.stringify(expectedPrePost(honest, POOL, CLASS));
  const passedAs = (s) => ({
    ...s,
    verb: { ...s.verb, id: VERB('passed') },
    result: { ...s.result, success: true, score: { ...s.result.score, raw: s.result.score.max, scaled: 1 } },
  });
  // a failed check whose forged pass would change the pre/post table if it were believed
  const failed = honest.find(
    (s) =>
      s.verb.id === VERB('failed') &&
      s.object.id === pool &&
      JSON.stringify(expectedPrePost(honest.map((x) => (x === s ? passedAs(x) : x)), POOL, CLASS)) !== honestPrePost,
  );
  const scenario = loadScenario(scenarioId);
  const goodEnding = scenario.nodes.find((n) => n.ending?.kind === 'good').id;
  const badDone = honest.find(
    (s) =>
      s.verb.id === VERB('completed') &&
      s.object.id === `${BASE}/scenarios/${scenarioId}` &&
      s.result.extensions[ext('ending-kind')] === 'bad',
  );
  expect(wrong && failed && badDone, 'class A has a wrong answer, a failed check and a bad ending to forge').toBeTruthy();
  const forged = [
    {
      ...wrong,
      result: { ...wrong.result, success: true, score: { ...wrong.result.score, raw: wrong.result.score.max, scaled: 1 } },
    },
    passedAs(failed),
    {
      ...badDone,
      result: {
        ...badDone.result,
        extensions: { ...badDone.result.extensions, [ext('ending')]: goodEnding, [ext('ending-kind')]: 'good' },
      },
    },
  ];
  const kind = badDone.result.extensions[ext('ending-kind')];
  const claims = [
    [who(wrong), wrong.object.id.split('/').pop(), 'Đúng / tốt nhất', 'Có', 'Không'],
    [who(wrong), wrong.object.id.split('/').pop(), 'Điểm', pts(wrong.result.score.max, wrong.result.score.max), pts(0, wrong.result.score.max)],
    [who(failed), '—', 'Điểm', pts(failed.result.score.max, failed.result.score.max), pts(failed.result.score.raw, failed.result.score.max)],
    [who(failed), '—', 'Đạt', 'Có', 'Không'],
    [who(badDone), '—', 'Kết thúc', goodEnding, badDone.result.extensions[ext('ending')]],
    [who(badDone), '—', 'Loại kết thúc', KIND_VI.good, KIND_VI[kind]],
  ];
  // another learner's actor: the poster's first finished attempt of the scenario, as `victim`
  const poster = who(wrong);
  const attempt = honest.find((s) => who(s) === poster && s.verb.id === VERB('completed') && s.object.id === `${BASE}/scenarios/${scenarioId}`)
    ?? honest.find((s) => who(s) === poster && s.object.id.startsWith(`${BASE}/scenarios/`));
  const victim = honest.find((s) => s.actor.name && who(s) !== poster).actor;
  // ids derived from the copied ones, so posting again (a retried worker) changes nothing
  const other = (id) => `f0${id.slice(2)}`;
  const registration = other(attempt.context.registration);
  const asVictim = honest
    .filter((s) => s.context.registration === attempt.context.registration)
    .map((s) => ({ ...s, id: other(s.id), actor: victim, context: { ...s.context, registration } }));
  const posted = [
    ...forged.map((s) => ({ by: who(s), statement: s })),
    ...asVictim.map((s) => ({ by: poster, statement: s })),
  ];
  const replaced = new Set([wrong.id, failed.id, badDone.id]);
  return {
    seedable: honest.filter((s) => !replaced.has(s.id)),
    posted,
    claims,
    // the trainer reads the victim's statements by agent: every verb of the copies
    setAside: asVictim.length,
    poster,
    victim: victim.account.name,
  };
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

/** The honest statements of the seeded classes (every expected figure comes from them). */
let seeded = [];
let scenarios = [];
/** What the forging learner accounts posted, and what the trainer must show of it. */
let forged = null;

test.beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  const a = synthesize(CLASS, SIMULATED.a, 11, join(TMP, 'e2e-class-a.json'));
  const b = synthesize(OTHER, SIMULATED.b, 12, join(TMP, 'e2e-class-b.json'));
  const prefix = `${BASE}/scenarios/`;
  scenarios = [...new Set(a.map((s) => s.object.id).filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length).split('/')[0]))].sort();
  expect(scenarios.length).toBeGreaterThanOrEqual(1);
  forged = forgeries(a, scenarios[0]);
  writeFileSync(join(TMP, 'e2e-class-a-seeded.json'), JSON.stringify(forged.seedable));
  seed(join(TMP, 'e2e-class-a-seeded.json'));
  seed(join(TMP, 'e2e-class-b.json'));
  // The forgeries, each posted straight to the LRS by a learner's own account.
  const byPoster = new Map();
  for (const p of forged.posted) byPoster.set(p.by, [...(byPoster.get(p.by) ?? []), p]);
  for (const [by, list] of byPoster) {
    const r = await postStatements(list.map((p) => p.statement), { as: learnerAccount(by) });
    // 204: already stored, identical (a retried worker posts them again)
    expect([200, 204], `${by} posts ${list.length} forged statement(s): ${r.text.slice(0, 200)}`).toContain(r.status);
  }
  seeded = [...a, ...b];
});

test('a trainer filters a class, reads a scenario whose figures match the seeded data, replays a learner, exports CSV', async ({ page }) => {
  test.setTimeout(180_000);
  // Every statement query of the trainer, from the first read on.
  const reads = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${LRS_URL}/xAPI/statements`) && r.method() === 'GET') reads.push(new URL(r.url()));
  });
  await signInTrainer(page, TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await expect(page.getByTestId('nav-trainer')).toBeVisible();
  // Nothing is read before a class is chosen: the password check asks for nothing (stored
  // after 2100).
  for (const u of reads) expect(u.searchParams.get('since'), `${u}`).toMatch(/^2100-/);
  reads.length = 0;
  expect(await axeReport(page, 'trainer home, no class open')).toBe('');
  // The class, typed: its first visit reads the LRS; the progress line shows while it does.
  await openClass(page, CLASS.toLowerCase());
  await expect(page.getByTestId('trainer-error')).toHaveCount(0);

  // 40 learners, each with a last-synced time.
  const learners = await tableCells(page, 'class-learners');
  expect(learners.length - 1).toBe(40);
  for (const row of learners.slice(1)) expect(row[2]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await expectCsvEqualsScreen(page, 'class-learners');
  expect(await axeReport(page, 'trainer home')).toBe('');
  // Only the class crosses the network (crates/core/src/review/refresh.rs): its roster (the
  // joined statements whose object is the class), each of its learners by agent, its
  // anonymous evaluations by the class's registration; every first page oldest first.
  const firstReads = reads.filter((u) => !u.searchParams.has('pit_id') && !u.searchParams.has('search_after'));
  const roster = firstReads.filter((u) => u.searchParams.get('verb') === JOINED);
  expect(roster.map((u) => u.searchParams.get('activity'))).toEqual([`${BASE}/classes/${CLASS}`]);
  const agents = firstReads.filter((u) => u.searchParams.has('agent')).map((u) => JSON.parse(u.searchParams.get('agent')).account.name);
  const classA = [...new Set(seeded.filter((s) => s.verb.id === JOINED && s.object.id === `${BASE}/classes/${CLASS}`).map((s) => s.actor.account.name))].sort();
  expect(classA).toHaveLength(40);
  expect([...agents].sort(), 'each learner of the class, once').toEqual(classA);
  expect(firstReads.filter((u) => u.searchParams.has('registration'))).toHaveLength(1);
  expect(firstReads.length, 'nothing else is asked').toBe(roster.length + agents.length + 1);
  for (const u of firstReads) {
    expect(u.searchParams.get('ascending'), `${u}`).toBe('true');
    expect(`${u}`, 'no read names the other class or its learners').not.toContain(SIMULATED.b.prefix);
    expect(`${u}`).not.toContain(OTHER);
  }

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
  // Position bias: per decision node, the choices taken and those shown first, as counted
  // from the seeded statements (every one records its place).
  const bias = await expectCsvEqualsScreen(page, 'scenario-position-bias');
  const places = expectedPlaces(seeded, `${BASE}/scenarios/${scenarioId}/nodes/`, CLASS);
  const decisionNodes = scenario.nodes.filter((n) => (n.choices ?? []).length >= 2).map((n) => n.id);
  expect(bias.slice(1).map((r) => r[0])).toEqual(decisionNodes);
  for (const row of bias.slice(1)) {
    const want = places[row[0]] ?? { chosen: 0, first: 0, unknown: 0 };
    expect([row[2], row[3], row[8]], `position bias at ${row[0]}`).toEqual([String(want.chosen), String(want.first), String(want.unknown)]);
  }
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
  // The replay shows each decision's choices in the order this learner saw them: attempts
  // oldest first, decisions in the order made.
  const startOf = (reg) => Math.min(...seeded.filter((s) => s.context?.registration === reg).map((s) => Date.parse(s.timestamp)));
  const seenOrders = [...decisions]
    .sort((a, b) => {
      const [ra, rb] = [a.context.registration, b.context.registration];
      return startOf(ra) - startOf(rb) || ra.localeCompare(rb) || a.context.extensions[ext('event-seq')] - b.context.extensions[ext('event-seq')];
    })
    .map((s) => s.result.extensions[ext('shown-order')].join(','));
  const replaySteps = page.getByTestId('trainer-replay').getByTestId('replay-step');
  await expect(replaySteps).toHaveCount(decisions.length);
  expect(await replaySteps.evaluateAll((els) => els.map((e) => e.dataset.order))).toEqual(seenOrders);
  await expect(replaySteps.first().locator('.replay-taken')).toHaveCount(1);
  expect(await axeReport(page, 'trainer learner replay')).toBe('');

  // Three more learners of the class sync; "refresh" asks the LRS only for what it stored
  // since the last read (every statement query carries `since`) and the class grows.
  const more = synthesize(CLASS, SIMULATED.c, 13, join(TMP, 'e2e-class-c.json'));
  seed(join(TMP, 'e2e-class-c.json'));
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
  expect(firstPages.length).toBeGreaterThanOrEqual(40);
  const newcomers = new Set(more.filter((s) => s.verb.id === JOINED).map((s) => s.actor.account.name));
  expect(newcomers.size).toBe(SIMULATED.c.learners);
  for (const u of firstPages) {
    // the newcomers are read from the start; everything else since its own mark
    const agent = u.searchParams.has('agent') ? JSON.parse(u.searchParams.get('agent')).account.name : null;
    if (!newcomers.has(agent)) expect(u.searchParams.get('since'), `${u}`).toBeTruthy();
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
  await signInTrainer(page, TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await openClass(page, CLASS);
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
  // Position bias of the module's single/multiple choice items: every answer's places, pre-tests
  // included, as counted from the seeded statements.
  const itemBias = await expectCsvEqualsScreen(page, 'item-position-bias');
  const itemPlaces = expectedPlaces(seeded, `${BASE}/modules/${POOL}/items/`, CLASS);
  const choiceItems = [...module.lessons.map((l) => l.practice), ...module.check.items]
    .filter((i) => 'single' in i.answer || 'multiple' in i.answer)
    .map((i) => i.id);
  expect(itemBias.slice(1).map((r) => r[0])).toEqual(choiceItems);
  for (const row of itemBias.slice(1)) {
    const want = itemPlaces[row[0]] ?? { chosen: 0, first: 0, unknown: 0 };
    expect([row[4], row[5], row[10]], `position bias of ${row[0]}`).toEqual([String(want.chosen), String(want.first), String(want.unknown)]);
  }
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

// Guards the trust checks end to end: learner accounts posting a false `success`, a false
// score, a false ending and statements under another learner's actor change none of the
// trainer's figures (the tests above compare them with the honest statements); the trainer
// sees the statements set aside and why, and every claimed result next to the recomputed one.
test('forgeries posted by learner accounts are set aside or recomputed, and listed for the trainer', async ({ page }) => {
  test.setTimeout(180_000);
  await signInTrainer(page, TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await openClass(page, CLASS);
  const trust = page.getByTestId('trainer-trust');
  await expect(trust.getByTestId('formative-note')).toHaveText(vi.trainer_formative);
  const summary = await expectCsvEqualsScreen(page, 'trust-summary');
  const setAside = Number(summary[1][1]);
  console.log(
    `forgery e2e: ${setAside} statements set aside (posted by ${forged.poster} with ${forged.victim}'s actor); ` +
      `${summary[2][1]} statements claimed results that differ from the recomputed ones`,
  );
  test.info().annotations.push({ type: 'statements set aside', description: String(setAside) });
  expect(setAside, 'statements set aside: the copies under another learner\'s actor').toBe(forged.setAside);
  expect(setAside).toBeGreaterThan(0);
  expect(summary[2][1], 'statements whose claimed result differs').toBe('3');
  const reasons = await expectCsvEqualsScreen(page, 'trust-set-aside');
  expect(reasons.slice(1).map((r) => r[1])).toEqual(['0', String(forged.setAside), '0', '0']);
  const claims = await expectCsvEqualsScreen(page, 'trust-claims');
  const shown = claims.slice(1).map((r) => [r[0], r[3], r[4], r[5], r[6]]);
  expect(shown.sort()).toEqual([...forged.claims].sort());
  // the learner named in the copies gained no attempt: the learners' table is the honest one
  const learners = await tableCells(page, 'class-learners');
  const victimRow = learners.find((r) => r[0] === forged.victim);
  const honestAttempts = new Set(
    seeded
      .filter((s) => s.actor.account.name === forged.victim && s.context?.extensions?.[ext('class-code')] === CLASS)
      .filter((s) => !s.object.id.includes('/pretest') && !s.object.id.includes('/evaluation/') && !s.object.id.includes('/competencies/'))
      .filter((s) => s.context.extensions[ext('item-role')] !== 'pretest')
      // joining the class is no attempt
      .filter((s) => s.verb.id !== JOINED)
      .map((s) => s.context.registration),
  );
  expect(victimRow?.[3], `${forged.victim}'s attempts`).toBe(String(honestAttempts.size));
  expect(await axeReport(page, 'trainer trust')).toBe('');
  mkdirSync(SHOTS, { recursive: true });
  await trust.screenshot({ path: join(SHOTS, 'trainer-trust.png') });
});

// Guards classes at city scale: the trainer reads one class, so what reaches the browser of
// class B (on screen and over the network) names no learner of class A, and then, class A
// opened, nothing of class B; switching back reopens B from its own cache.
test('a trainer of class A sees nothing of class B', async ({ page }) => {
  test.setTimeout(180_000);
  const bodies = [];
  page.on('response', async (r) => {
    if (r.url().startsWith(`${LRS_URL}/xAPI/statements`) && r.request().method() === 'GET') bodies.push(await r.text().catch(() => ''));
  });
  await signInTrainer(page, TRAINER);
  await openClass(page, OTHER);
  const rowsB = await tableCells(page, 'class-learners');
  expect(rowsB.length - 1).toBe(SIMULATED.b.learners);
  for (const r of rowsB.slice(1)) expect(r[0]).toMatch(new RegExp(`^${SIMULATED.b.prefix}`));
  expect(bodies.length).toBeGreaterThan(0);
  for (const b of bodies) expect(b, 'class B\'s reads carry nothing of class A').not.toContain(SIMULATED.a.prefix);
  bodies.length = 0;
  await openClass(page, CLASS);
  const rowsA = await tableCells(page, 'class-learners');
  expect(rowsA.length - 1).toBeGreaterThanOrEqual(SIMULATED.a.learners);
  for (const r of rowsA.slice(1)) expect(r[0]).not.toMatch(new RegExp(`^${SIMULATED.b.prefix}`));
  await expect(page.getByTestId('trainer-home')).not.toContainText(SIMULATED.b.prefix);
  for (const b of bodies) {
    expect(b, 'class A\'s reads carry nothing of class B').not.toContain(SIMULATED.b.prefix);
    expect(b).not.toContain(OTHER);
  }
  // Both classes are kept on the device, each its own cache.
  await expect(page.getByTestId('class-cached')).toHaveText([CLASS, OTHER].sort());
  await page.getByTestId('class-cached').filter({ hasText: OTHER }).click();
  await expect(async () => {
    const rows = await tableCells(page, 'class-learners');
    expect(rows.length - 1).toBe(SIMULATED.b.learners);
  }).toPass({ timeout: 10_000 });
});

// Guards a learner who joined the class by mistake: the trainer hides them (no figure counts
// them, kept on the device for that class) and can show them again.
test('a trainer hides a learner who joined by mistake, and shows them again', async ({ page }) => {
  test.setTimeout(180_000);
  await signInTrainer(page, TRAINER);
  await openClass(page, OTHER);
  const before = await tableCells(page, 'class-learners');
  const roster = page.getByTestId('class-roster');
  await roster.locator('summary').click();
  const first = roster.getByTestId('roster-learner').first();
  const account = await first.getAttribute('data-account');
  await first.getByTestId('roster-toggle').click();
  await expect(first).toContainText(vi.trainer_hidden);
  await expect(async () => {
    const rows = await tableCells(page, 'class-learners');
    expect(rows.length).toBe(before.length - 1);
    expect(rows.some((r) => r[0] === account)).toBe(false);
  }).toPass({ timeout: 10_000 });
  expect(await axeReport(page, 'trainer roster with a hidden learner')).toBe('');
  // kept across a reload (the class reopens from the device once the password is checked)
  await page.reload();
  await new SignInPage(page, 'vi').submitAs(TRAINER);
  await expect(page.getByTestId('trainer-refresh')).toBeEnabled({ timeout: 120_000 });
  await expect(async () => {
    const rows = await tableCells(page, 'class-learners');
    expect(rows.some((r) => r[0] === account)).toBe(false);
  }).toPass({ timeout: 10_000 });
  await page.getByTestId('class-roster').locator('summary').click();
  const again = page.locator(`[data-testid="roster-learner"][data-account="${account}"]`);
  await expect(again).toContainText(vi.trainer_hidden);
  await again.getByTestId('roster-toggle').click();
  await expect(async () => {
    const rows = await tableCells(page, 'class-learners');
    expect(rows.length).toBe(before.length);
  }).toPass({ timeout: 10_000 });
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

/** The wasm files this page's document loaded (resource timing: not the service worker's). */
function wasmOfPage(page) {
  return page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm')));
}

// Guards the split into two apps: a link between them is a page load of the other app (not
// that app's "not found"), the learner's page never loads the trainer's wasm, the trainer app
// opens its own session (the password typed in the learner app's page stays there), and the
// trainer app's pages pass axe.
test('the learner app and the trainer app link to each other by page loads; the trainer app asks for its own sign-in', async ({ page }) => {
  await page.goto('/trainer');
  await expect(page.getByTestId('trainer-refused')).toBeVisible();
  await expect(page.getByTestId('sign-in')).toBeVisible();
  expect(await axeReport(page, 'trainer app, nobody signed in')).toBe('');

  // signed in on the learner app (from its sync page, so it stays there)
  await signIn(page, TRAINER, { next: '/sync' });
  expect(await wasmOfPage(page)).toEqual([expect.stringMatching(/^\/boiduong-[0-9a-f]+_bg\.wasm$/)]);
  const loads = [];
  page.on('load', () => loads.push(new URL(page.url()).pathname));
  const toTrainer = page.getByTestId('nav-trainer');
  await expect(toTrainer).toHaveAttribute('rel', 'external');
  await toTrainer.click();
  await expect(page).toHaveURL(/\/trainer$/);
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await expect(page.locator('#account')).toHaveValue(TRAINER.account);
  expect(loads).toEqual(['/trainer']);
  expect(await wasmOfPage(page)).toEqual([expect.stringMatching(/^\/trainer\/trainer-[0-9a-f]+_bg\.wasm$/)]);

  await new SignInPage(page, 'vi').submitAs(TRAINER);
  await openClass(page, CLASS);
  expect(await axeReport(page, 'trainer home')).toBe('');

  const catalog = new CatalogPage(page, 'vi');
  await catalog.nav.getByRole('link', { name: vi.nav_catalog, exact: true }).click();
  await catalog.waitReady();
  expect(loads).toEqual(['/trainer', '/']);
});
