// End-to-end: self-assessment. A learner signs in, fills their profile, sees the gap report,
// rates themselves, plays a scenario (so the portal can measure a competency), takes the
// pre-test of a question-pool module, the lessons and the post-test (drawn avoiding the
// pre-test's items), sees the gain and the before/after comparison, evaluates the module
// anonymously, and syncs: every statement reaches the LRS except the private self-rating.
// Also: a post-test started offline is practice only; the page in English. Vietnamese first.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, axeReport } from './fixtures.mjs';
import { ModulePlayer, ScenarioPlayer, openFromCatalog, openSync, signIn } from './pages.mjs';
import { ACCOUNT_HOME_PAGE, ACCOUNTS, ANONYMOUS, E2E_CONFIG } from './env.mjs';
import { correctAnswer, en, loadModule, loadScenario, text, vi, walk, wrongAnswer } from './content.mjs';
import { expectLrsHoldsExactly, getStatements, localStatements, statementsOfRegistrations } from './lrs.mjs';

const MODULE_ID = 'tiep-cong-dan';
const POSITION = 'cong-chuc-chuyen-mon-xa';
const SCENARIO_ID = 'nguoi-dan-buc-xuc-ho-so-dat-tre';
const MIXED_PATH = ['nhac-noi-quy', 'xin-loi-thai-do', 'goi-nguoi-xu-ly', 'xin-loi-noi-that', 'ton-trong-quyen-khieu-nai'];
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
const standards = JSON.parse(readFileSync(join(ROOT, 'dist', 'content', 'standards.json'), 'utf8'));
const catalog = JSON.parse(readFileSync(join(ROOT, 'dist', 'content', 'catalog.json'), 'utf8'));

const competencyName = (id, lang = 'vi') => text(catalog.competencies.find((c) => c.id === id).name, lang);

/** The portal's self-assessment records, read with the raw IndexedDB API (store `selfassess`). */
async function localSelfRecords(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('boiduong');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('selfassess', 'readonly').objectStore('selfassess').getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

class SelfAssessPage {
  constructor(page, lang = 'vi') {
    this.page = page;
    this.s = lang === 'vi' ? vi : en;
  }

  get root() {
    return this.page.getByTestId('selfassess-page');
  }

  async open() {
    await this.page.getByTestId('nav-selfassess').click();
    await expect(this.root).toBeVisible();
    await expect(this.page.getByTestId('profile-form')).toBeVisible();
  }

  get gap() {
    return this.page.getByTestId('gap-report');
  }

  qualification(id) {
    return this.gap.locator(`[data-testid="gap-qualification"][data-id="${id}"]`);
  }

  competency(id) {
    return this.gap.locator(`[data-testid="gap-competency"][data-id="${id}"]`);
  }
}

/** Picks level `level` of the Likert group named `name` inside `scope`. */
async function rate(scope, name, level) {
  await scope.getByRole('group', { name, exact: true }).getByRole('radio', { name: new RegExp(`^${level}\\b`) }).check();
}

/**
 * Answers question `n` (from 1) of the pre-test or post-test: the drawn item on screen, right
 * or wrong. Returns its id.
 */
async function answerDrawn(player, mod, n, { wrong = false } = {}) {
  await expect(player.stepCount).toHaveText(`Câu ${n}/${mod.check.draw}`);
  const id = await player.item.getAttribute('data-item');
  const item = mod.check.items.find((i) => i.id === id);
  expect(item, `drawn item ${id} is in the pool`).toBeTruthy();
  await player.answer(item, wrong ? wrongAnswer(item) : correctAnswer(item));
  await player.continue();
  return id;
}

/** A screenshot of one region (readable in the README), or of the viewport at `region`. */
async function shoot(page, name, region, { viewport = false } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await region.scrollIntoViewIfNeeded();
  if (viewport) {
    await region.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
  } else {
    await region.screenshot({ path: `${SCREENSHOTS}${name}.png` });
  }
}

/**
 * Reads an anonymous evaluation back from the LRS as a trainer and checks that nothing in it
 * links it to `user`: not the actor, not the authority (the LRS stamps the account that sent
 * it: the write-only anonymous account, never the learner's), not the registration, session,
 * platform or language (none in the context; only the class code the form mentions and the
 * class's own registration, the trainer's way to read a class's anonymous evaluations), not a
 * time finer than the day, and not the LRS's `stored` time (sent in a request of its own, at
 * least the quiet time away from every request carrying the learner's own statements).
 */
async function expectAnonymousUnlinked(anonymous, named, user) {
  expect(anonymous.length, 'an anonymous evaluation was made').toBeGreaterThan(0);
  const remote = [];
  for (const r of anonymous) remote.push(...(await getStatements({ statementId: r.id })));
  expect(remote.map((s) => s.id).sort(), 'the LRS holds the anonymous evaluation').toEqual(anonymous.map((r) => r.id).sort());
  // (joining the class belongs to no registration)
  const inRecords = named.filter((r) => JSON.parse(r.body).context.registration);
  const mine = await statementsOfRegistrations([...new Set(inRecords.map((r) => r.attempt_id))]);
  expect(mine.length).toBe(inRecords.length);
  const myAuthority = mine[0].authority;
  expect(JSON.stringify(myAuthority), 'the learner\'s own statements carry their account').toContain(user.account);
  const delay = JSON.parse(readFileSync(join(ROOT, E2E_CONFIG), 'utf8')).anonymous_account.delay_s[0] * 1_000;
  const namedStored = mine.map((s) => Date.parse(s.stored));
  const text = JSON.stringify(remote);
  for (const word of [user.account, user.name, ...new Set(named.map((r) => r.attempt_id))]) {
    expect(text.includes(word), `the anonymous statements mention ${word}`).toBe(false);
  }
  for (const s of remote) {
    expect(s.actor.name).toBeUndefined();
    expect(s.actor.account.name).not.toBe(user.account);
    expect(s.authority?.account, 'stamped with the anonymous account').toEqual({ homePage: ACCOUNT_HOME_PAGE, name: ANONYMOUS.account });
    expect(JSON.stringify(s.authority)).not.toBe(JSON.stringify(myAuthority));
    expect(Object.keys(s.context).sort(), 'context: activities, the class code and the class\'s registration only').toEqual(['contextActivities', 'extensions', 'registration']);
    // the class's own registration (docs/xapi-profile.md), the same on every anonymous statement
    expect(s.context.registration).toBe(remote[0].context.registration);
    expect(s.context.contextActivities.grouping.map((a) => a.id)).toContain(`https://boiduong.example/xapi/classes/${user.classCode}`);
    expect(Object.values(s.context.extensions), 'the class code, nothing else').toEqual([user.classCode]);
    expect(s.timestamp, 'day-only timestamp').toMatch(/T00:00:00(\.0+)?(Z|\+00:00)$/);
    const stored = Date.parse(s.stored);
    const nearest = Math.min(...namedStored.map((t) => Math.abs(t - stored)));
    expect(nearest, 'stored apart from every request of the learner').toBeGreaterThanOrEqual(delay);
  }
}

// Guards: the whole self-assessment loop losing or mis-scoring anything (profile not kept,
// gap report wrong, ratings not compared, post-test sharing items with the pre-test, a wrong
// gain), an axe violation on the new screens, and a private self-rating leaving the device.
test('a: profile, gap report, ratings, pre-test, module, post-test, gain, evaluation; private ratings stay local', async ({ page }) => {
  test.setTimeout(300_000);
  const mod = loadModule(MODULE_ID);
  const position = standards.positions.find((p) => p.id === POSITION);
  await signIn(page, ACCOUNTS.hocvien3, { remember: true });
  const sa = new SelfAssessPage(page);
  await sa.open();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tự đánh giá');
  await expect(sa.gap).toContainText(vi.gap_need_position);
  await expect(page.locator('#consent-ratings')).not.toBeChecked();

  // Profile: short of the plan's political theory (sơ cấp < trung cấp); the rest as stated.
  await page.getByLabel('Vị trí công tác', { exact: true }).selectOption(POSITION);
  await page.getByLabel('Trình độ chuyên môn', { exact: true }).selectOption('dai_hoc');
  await page.getByLabel('Trình độ lý luận chính trị', { exact: true }).selectOption('so_cap');
  await page.getByLabel('Kiến thức quản lý nhà nước', { exact: true }).selectOption('chuyen_vien');
  await page.getByLabel('Tin học', { exact: true }).selectOption('co_ban');
  await page.getByTestId('profile-save').click();
  await expect(page.getByTestId('profile-saved')).toHaveText(vi.profile_saved);

  await expect(page.getByTestId('gap-position')).toHaveText(text(position.name));
  await expect(sa.qualification('education')).toHaveAttribute('data-status', 'met');
  await expect(sa.qualification('education')).toContainText('Đạt: vị trí này cần trình độ chuyên môn Đại học trở lên; anh/chị có Đại học.');
  await expect(sa.qualification('political_theory')).toHaveAttribute('data-status', 'not_met');
  await expect(sa.qualification('political_theory')).toContainText('Chưa đạt');
  await expect(sa.qualification('political_theory')).toContainText('Lớp trung cấp lý luận chính trị - hành chính');
  // The plan is silent on IT: unknown, never "not met", with the centre's note.
  await expect(sa.qualification('it_skill')).toHaveAttribute('data-status', 'unknown');
  await expect(sa.qualification('it_skill').getByTestId('gap-note')).toContainText('Trung tâm đào tạo quy định:');
  await expect(sa.qualification('foreign_language')).toHaveAttribute('data-status', 'unknown');
  await expect(sa.competency('giao_tiep')).toHaveAttribute('data-status', 'unknown');

  // The profile is durable: a reload shows it and the same report.
  await page.reload();
  await expect(page.getByLabel('Trình độ lý luận chính trị', { exact: true })).toHaveValue('so_cap');
  await expect(page.getByLabel('Vị trí công tác', { exact: true })).toHaveValue(POSITION);
  await expect(sa.qualification('political_theory')).toHaveAttribute('data-status', 'not_met');

  // A self-rating on its own, kept private (the default): communication 4, the rest 2.
  const form = page.getByTestId('rating-form');
  await expect(form.getByTestId('rating-privacy')).toHaveText(vi.rating_private_note);
  await form.getByTestId('rating-save').click();
  await expect(form.getByRole('alert')).toHaveText(vi.rating_missing);
  for (const c of position.competencies) {
    await rate(form, competencyName(c.competency), c.competency === 'giao_tiep' ? 4 : 2);
  }
  await form.getByTestId('rating-save').click();
  await expect(form.getByTestId('rating-saved')).toBeVisible();
  await expect(sa.competency('giao_tiep')).toHaveAttribute('data-status', 'met');
  await expect(sa.competency('phap_luat')).toHaveAttribute('data-status', 'not_met');
  await expect(sa.competency('phap_luat')).toContainText('anh/chị tự đánh giá mức 2');
  await expect(sa.competency('phap_luat').getByRole('link', { name: text(mod.title) })).toHaveAttribute('href', `/module/${MODULE_ID}`);
  await expect(page.getByTestId('vs-measured')).toContainText('chưa có tình huống nào đo năng lực này');
  expect(await axeReport(page, 'self-assessment page'), 'axe on /tu-danh-gia').toBe('');
  await shoot(page, 'selfassess-gap', sa.gap);
  await shoot(page, 'selfassess-rating', form);
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'selfassess-mobile', sa.gap, { viewport: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // From now on, self-ratings are shared (the standalone one above stays private).
  await page.locator('#consent-ratings').check();
  await expect(page.getByTestId('consent-saved')).toBeVisible();
  await page.reload();
  await expect(page.locator('#consent-ratings')).toBeChecked();

  // A scenario, so that the portal measures communication from what the learner did.
  const scenario = loadScenario(SCENARIO_ID);
  const splayer = new ScenarioPlayer(page);
  await splayer.goto(SCENARIO_ID);
  await splayer.start();
  for (const step of walk(scenario, MIXED_PATH)) await splayer.choose(step.choice, step.to);
  await expect(splayer.endScreen).toBeVisible();

  // The module from the gap report's link: rate before, take the pre-test.
  await sa.open();
  await sa.competency('phap_luat').getByRole('link', { name: text(mod.title) }).click();
  const player = new ModulePlayer(page);
  await expect(player.root).toBeVisible();
  await expect(page.getByTestId('pretest-offer')).toContainText(vi.pretest_title);
  const before = page.getByTestId('rating-before');
  await rate(before, competencyName('giao_tiep'), 2);
  await rate(before, competencyName('phap_luat'), 2);
  await expect(before.getByTestId('rating-privacy')).toHaveText(vi.rating_shared_note);
  await before.getByTestId('rating-save').click();
  await expect(before.getByTestId('rating-saved')).toBeVisible();
  expect(await axeReport(page, 'module intro with pre-test'), 'axe on the module intro').toBe('');

  await page.getByTestId('start-pretest').click();
  await expect(player.step).toHaveAttribute('data-mode', 'pre_test');
  await expect(player.stepHeading).toHaveText('Kiểm tra đầu vào');
  const pre = [];
  for (let i = 0; i < 4; i += 1) {
    pre.push(await answerDrawn(player, mod, i + 1, { wrong: i % 2 === 1 }));
  }
  await expect(player.result).toHaveAttribute('data-mode', 'pre_test');
  await expect(player.stepHeading).toHaveText(vi.pretest_result_heading);
  await expect(player.score).toHaveText('Điểm đầu vào: 2/4 (50%)');
  await expect(player.result.locator('.verdict')).toHaveCount(0);

  // The lessons, then the post-test: four other items, all right.
  await page.getByTestId('start-after-pretest').click();
  for (const lesson of mod.lessons) {
    await expect(player.stepHeading).toHaveText(text(lesson.title));
    await player.answer(lesson.practice);
    await player.continue();
  }
  await expect(player.stepHeading).toHaveText('Kiểm tra đầu ra');
  const post = [];
  for (let i = 0; i < 4; i += 1) post.push(await answerDrawn(player, mod, i + 1));
  expect(post.filter((id) => pre.includes(id)), 'the post-test avoids the pre-test items').toEqual([]);
  await expect(player.result).toHaveAttribute('data-passed', 'true');
  await expect(player.score).toHaveText('Điểm: 4/4 (cần 3)');
  await expect(page.getByTestId('gain-pre')).toHaveText('50%');
  await expect(page.getByTestId('gain-post')).toHaveText('100%');
  await expect(page.getByTestId('gain-g')).toHaveText('1,00');

  // Rate after; the comparison with before and with the scenario.
  const after = page.getByTestId('rating-after');
  await rate(after, competencyName('giao_tiep'), 4);
  await rate(after, competencyName('phap_luat'), 3);
  await after.getByTestId('rating-save').click();
  await expect(after.getByTestId('rating-saved')).toBeVisible();
  const compare = page.getByTestId('rating-compare');
  await expect(compare.locator('[data-competency="giao_tiep"]').getByRole('cell')).toHaveText(['2', '4', '+2']);
  await expect(compare.locator('[data-competency="phap_luat"]').getByRole('cell')).toHaveText(['2', '3', '+1']);
  await expect(compare.getByTestId('vs-measured')).toContainText(
    /Anh\/chị tự đánh giá Giao tiếp ở mức 4; các tình huống đã làm cho thấy \d,\d\/5\./,
  );

  // Evaluate the module, without my name.
  const evaluation = page.getByTestId('evaluation-form');
  await evaluation.getByTestId('evaluation-send').click();
  await expect(evaluation.getByTestId('evaluation-problems')).toContainText(vi.eval_missing_scale);
  await expect(evaluation.getByTestId('evaluation-problems')).toContainText(vi.eval_intended_short);
  await rate(evaluation, vi.eval_usefulness, 5);
  await rate(evaluation, vi.eval_clarity, 4);
  await rate(evaluation, vi.eval_relevance, 5);
  await evaluation.getByLabel(vi.eval_intended, { exact: true }).fill('Hướng dẫn người dân cử đại diện khi đến đông người.');
  await evaluation.getByLabel(vi.eval_anonymous, { exact: true }).check();
  await evaluation.getByTestId('evaluation-send').click();
  await expect(evaluation.getByTestId('evaluation-saved')).toHaveText(vi.eval_saved_anonymous);
  expect(await axeReport(page, 'module result with gain, ratings, evaluation'), 'axe on the module result').toBe('');
  await shoot(page, 'pretest-gain', player.result);
  await shoot(page, 'rating-compare', compare);
  await shoot(page, 'evaluation', page.getByTestId('evaluation'));
  await page.setViewportSize({ width: 390, height: 844 });
  await shoot(page, 'pretest-gain-mobile', page.getByTestId('gain'), { viewport: true });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Sync, then compare the LRS with the device, statement by statement (the anonymous
  // evaluation waits for its delay and goes on its own: drained too).
  const sync = await openSync(page);
  await sync.drain();
  const local = await localStatements(page);
  const isAnonymous = (r) => JSON.parse(r.body).actor.name === undefined;
  const named = local.filter((r) => !isAnonymous(r));
  await expectLrsHoldsExactly(named, { label: 'self-assessment run' });
  await expectAnonymousUnlinked(local.filter(isAnonymous), named, ACCOUNTS.hocvien3);
  const bodies = local.map((r) => JSON.parse(r.body));
  const objects = bodies.map((s) => s.object.id);
  expect(objects.some((id) => id.endsWith(`/modules/${MODULE_ID}/pretest`)), 'pre-test statements').toBe(true);
  expect(bodies.some((s) => s.verb.id.endsWith('/passed') && s.object.id.endsWith(`/modules/${MODULE_ID}`))).toBe(true);
  expect(objects.filter((id) => id.endsWith('/self-rating')).length, 'shared ratings: 2 before + 2 after').toBe(4);
  const evals = bodies.filter((s) => s.object.id.includes(`/modules/${MODULE_ID}/evaluation/`));
  expect(evals.length, '3 likert + what I will do differently').toBe(4);
  for (const s of evals) {
    expect(s.actor.name, 'anonymous evaluation has no name').toBeUndefined();
    // no registration of the record: only the class's own, the same on each statement
    expect(s.context.registration, 'anonymous evaluation: the class\'s registration').toBe(evals[0].context.registration);
    expect(local.some((r) => r.attempt_id === s.context.registration), 'the registration is no record\'s').toBe(false);
  }
  const records = await localSelfRecords(page);
  const privateRatings = records.filter((r) => r.kind === 'rating' && !r.shared);
  expect(privateRatings.length, 'the standalone rating is private').toBe(1);
  expect(records.filter((r) => r.kind === 'rating' && r.shared).length).toBe(2);
  const privateIds = privateRatings.map((r) => r.id);
  expect(local.filter((r) => privateIds.includes(r.attempt_id)), 'nothing queued for a private rating').toEqual([]);
  expect(await statementsOfRegistrations(privateIds), 'nothing of a private rating on the LRS').toEqual([]);
});

// Guards: a post-test started offline counted as a pass although its answer keys were on the
// device; the learner not told why.
test('b: a post-test started offline is practice only, and the learner is told why', async ({ page, context }) => {
  test.setTimeout(180_000);
  const mod = loadModule(MODULE_ID);
  await signIn(page, ACCOUNTS.hocvien2);
  const player = new ModulePlayer(page);
  await player.goto(MODULE_ID);
  await expect(page.getByTestId('practice-only-notice')).toHaveCount(0);
  await context.setOffline(true);
  await expect(page.getByTestId('practice-only-notice')).toHaveText(vi.practice_only_offline);
  await player.start();
  await expect(page.getByTestId('practice-only-step')).toHaveText(vi.practice_only_step);
  for (const lesson of mod.lessons) {
    await player.answer(lesson.practice);
    await player.continue();
  }
  for (let i = 0; i < 4; i += 1) await answerDrawn(player, mod, i + 1);
  await expect(player.result).toHaveAttribute('data-practice', 'true');
  await expect(player.result).toHaveAttribute('data-passed', 'false');
  await expect(page.getByTestId('practice-verdict')).toHaveText(vi.practice_verdict);
  await expect(player.result).toContainText(vi.practice_only_result);
  await expect(player.attemptRows.first()).toContainText(`${vi.status_completed} · ${vi.mode_practice}`);
  const local = await localStatements(page);
  // the attempt's statements (joining the class at sign-in is none of them)
  const bodies = local.map((r) => JSON.parse(r.body)).filter((s) => s.verb.id !== 'http://activitystrea.ms/join');
  expect(bodies.length).toBeGreaterThan(0);
  for (const s of bodies) {
    expect(s.context.extensions['https://boiduong.example/xapi/extensions/practice-only'], `${s.verb.id} is practice-only`).toBe(true);
  }
  expect(bodies.some((s) => /\/(passed|failed)$/.test(s.verb.id)), 'never passed or failed').toBe(false);
  await context.setOffline(false);
});

// Guards: the new page half-translated, or English statuses missing.
test('c: the self-assessment page in English', async ({ page }) => {
  await signIn(page, ACCOUNTS.hocvien1);
  const sa = new SelfAssessPage(page, 'en');
  await page.getByTestId('lang-switch').click();
  await sa.open();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en.selfassess_title);
  await page.getByLabel(en.profile_position, { exact: true }).selectOption('can-bo-chu-chot-xa');
  await page.getByLabel('Political theory', { exact: true }).selectOption('trung_cap');
  await page.getByTestId('profile-save').click();
  await expect(sa.qualification('political_theory')).toHaveAttribute('data-status', 'met');
  await expect(sa.qualification('political_theory')).toContainText('Met: this position needs political theory of Intermediate or higher; you have Intermediate.');
  await expect(sa.qualification('education')).toContainText(en.gap_unknown_profile);
  await expect(page.getByRole('heading', { name: en.consent_title })).toBeVisible();
  expect(await axeReport(page, 'self-assessment page (en)'), 'axe on /tu-danh-gia in English').toBe('');
  await page.getByTestId('lang-switch').click();
});

// Guards: "send without my name" offered where no anonymous account exists, so the
// evaluation would go with the learner's own credentials after all.
test.describe('without an anonymous account in config.json', () => {
  // The page's own requests only (a service worker would answer config.json itself).
  test.use({ serviceWorkers: 'block' });

  test('d: the evaluation form does not offer "send without my name"', async ({ page, guard }) => {
    test.setTimeout(120_000);
    await page.route('**/config.json', async (route) => {
      const response = await route.fetch();
      const config = await response.json();
      delete config.anonymous_account;
      await route.fulfill({ response, json: config });
    });
    await signIn(page, ACCOUNTS.hocvien3);
    const mod = loadModule('tiep-nhan-ho-so-mot-cua');
    const player = await openFromCatalog(page, 'module', 'tiep-nhan-ho-so-mot-cua');
    await player.start();
    for (const lesson of mod.lessons) {
      await expect(player.stepHeading).toHaveText(text(lesson.title));
      await player.answer(lesson.practice);
      await player.continue();
    }
    for (const item of mod.check.items) {
      await expect(player.item).toHaveAttribute('data-item', item.id);
      await player.answer(item, correctAnswer(item));
      await player.continue();
    }
    await expect(player.result).toBeVisible();
    const evaluation = page.getByTestId('evaluation-form');
    await expect(evaluation).toBeVisible();
    await expect(evaluation.getByTestId('evaluation-send')).toBeVisible();
    await expect(evaluation.getByLabel(vi.eval_anonymous, { exact: true })).toHaveCount(0);
    await expect(evaluation.getByText(vi.eval_anonymous_hint)).toHaveCount(0);
    // The service worker blocked on purpose (above): Chromium says so, nothing else may.
    guard.takeProblems(/^console\.warning on \S+: Service Worker registration blocked by Playwright( \(.*\))?$/);
  });
});
