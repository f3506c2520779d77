// End-to-end: a learner on the built portal, in a real Chromium, in Vietnamese first.
// Each test starts in a fresh browser context (empty IndexedDB and localStorage: a new
// learner on a new device) and signs in first (starting a module or scenario needs a
// signed-in learner; the portal then syncs to the run's LRS, checked in sync.spec.mjs).
// The guard fixture fails any test that logs a console error or warning, throws, or
// violates the Content-Security-Policy.
import { mkdirSync } from 'node:fs';
import { test, expect, axeReport, pressUntilFocused } from './fixtures.mjs';
import { CatalogPage, HistoryPage, ModulePlayer, ScenarioPlayer, signIn } from './pages.mjs';
import { ACCOUNTS } from './env.mjs';
import {
  catalogIds,
  competencyName,
  correctAnswer,
  en,
  itemKind,
  loadModule,
  loadScenario,
  node,
  text,
  vi,
  walk,
  wrongAnswer,
} from './content.mjs';

const MODULE_ID = 'tiep-nhan-ho-so-mot-cua';
const SCENARIO_ID = 'nguoi-dan-buc-xuc-ho-so-dat-tre';
// A path with two poor openings (rules before empathy) that recovers, then a good late choice.
const MIXED_PATH = ['nhac-noi-quy', 'xin-loi-thai-do', 'goi-nguoi-xu-ly', 'xin-loi-noi-that', 'ton-trong-quyen-khieu-nai'];
// The best choice at every node: warm opening, call the clerk, apologise, close the loop today.
const BEST_PATH = ['chao-moi-ngoi', 'goi-nguoi-xu-ly', 'xin-loi-noi-that', 'chot-trong-ngay'];
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùýĐ]/i;

// These tests do not read the LRS, so they share one learner account.
test.beforeEach(async ({ page }) => {
  await signIn(page, ACCOUNTS.hocvien1);
});

/** The plain text of the first paragraph of compiled Markdown (for "the lesson is shown"). */
function firstParagraph(html) {
  const p = /<p>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
  return p.replace(/<[^>]+>/g, '').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
}

/** "−1 Giao tiếp, +2 Phối hợp" as the player prints score changes (sorted ids, non-zero). */
function deltasText(scores, lang = 'vi') {
  return Object.keys(scores)
    .sort()
    .filter((k) => scores[k] !== 0)
    .map((k) => `${scores[k] > 0 ? '+' : '−'}${Math.abs(scores[k])} ${competencyName(k, lang)}`)
    .join(', ');
}

/** Plays the module's lessons (answering each practice item) up to the first check item. */
async function playLessons(player, mod, onFeedback = async () => {}) {
  for (const [i, lesson] of mod.lessons.entries()) {
    await expect(player.stepHeading).toHaveText(text(lesson.title, player.lang));
    await player.answer(lesson.practice);
    await onFeedback(i);
    await player.continue();
  }
}

/** Answers every knowledge-check item; `wrong` maps item ids to a wrong answer to give. */
async function playCheck(player, mod, { wrong = {}, before = async () => {} } = {}) {
  for (const item of mod.check.items) {
    await expect(player.item).toHaveAttribute('data-item', item.id);
    await before(item);
    await player.answer(item, wrong[item.id] ?? correctAnswer(item));
    await player.continue();
  }
  await expect(player.result).toBeVisible();
}

/** Starts the scenario and takes `path`, checking each node reached against the content. */
async function playScenario(player, scenario, path) {
  for (const step of walk(scenario, path)) {
    await player.choose(step.choice, step.to);
  }
}

// Guards: a new learner meeting English or broken (undecoded, unaccented) Vietnamese, a
// language switch that misses part of the page, or a choice of language lost on reload.
test('a: new learner sees the catalog in Vietnamese, switches to English and back, choice remembered', async ({ page }) => {
  const catalog = new CatalogPage(page, 'vi');
  await catalog.goto();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(catalog.h1).toHaveText('Danh mục học phần và tình huống');
  await expect(catalog.nav.getByRole('link', { name: 'Lịch sử làm bài' })).toBeVisible();
  await expect(catalog.fieldHeadings.first()).toHaveText('Tiếp nhận và trả kết quả');
  const fieldNames = await catalog.fieldHeadings.allInnerTexts();
  expect(fieldNames.length).toBeGreaterThan(1);
  for (const name of fieldNames) expect(name, 'field heading has Vietnamese diacritics').toMatch(VIETNAMESE);
  const mod = loadModule(MODULE_ID);
  await expect(catalog.entryLink('module', MODULE_ID)).toHaveText(text(mod.title, 'vi'));
  await expect(catalog.entry('module', MODULE_ID)).toContainText('Học phần');
  await expect(catalog.entry('module', MODULE_ID)).toContainText(`${mod.duration_min} phút`);
  await expect(catalog.entryState('module', MODULE_ID)).toHaveText('Trạng thái: Chưa bắt đầu');

  const english = await catalog.switchLanguage();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(english.h1).toHaveText(en.catalog_title);
  await expect(english.nav.getByRole('link', { name: en.nav_history })).toBeVisible();
  await expect(english.entryLink('module', MODULE_ID)).toHaveText(text(mod.title, 'en'));
  await expect(english.entryState('module', MODULE_ID)).toHaveText(`${en.state_label}: ${en.state_not_started}`);
  await expect(english.langSwitch).toHaveText('Tiếng Việt');

  await page.reload();
  await english.waitReady();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(english.h1).toHaveText(en.catalog_title);
  await expect(english.entryLink('module', MODULE_ID)).toHaveText(text(mod.title, 'en'));

  const back = await english.switchLanguage();
  await expect(back.h1).toHaveText('Danh mục học phần và tình huống');
  await page.reload();
  await back.waitReady();
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
  await expect(back.h1).toHaveText('Danh mục học phần và tình huống');
  await expect(back.langSwitch).toHaveText('English');
});

// Guards: lessons, practice feedback, check scoring (a wrong answer must cost its point),
// the pass verdict, and the attempt record reaching the attempt list, /history and the
// catalog badge.
test('b: completes the module tiep-nhan-ho-so-mot-cua in Vietnamese and the attempt is recorded', async ({ page }) => {
  const mod = loadModule(MODULE_ID);
  const title = text(mod.title);
  const player = new ModulePlayer(page, 'vi');
  await player.goto(MODULE_ID);
  await expect(player.h1).toHaveText(title);
  await expect(player.root.getByRole('heading', { name: 'Nội dung' })).toBeVisible();
  await expect(player.root.locator('.toc li')).toHaveText([...mod.lessons.map((l) => text(l.title)), 'Kiểm tra kiến thức']);
  await expect(player.attemptRows).toHaveCount(0);
  await player.start();

  for (const [i, lesson] of mod.lessons.entries()) {
    await expect(player.stepCount).toHaveText(`Bài ${i + 1}/${mod.lessons.length}`);
    await expect(player.stepHeading).toHaveText(text(lesson.title));
    await expect(player.lessonBody).toContainText(firstParagraph(lesson.body_html.vi).slice(0, 60));
    await expect(player.step.getByRole('heading', { name: 'Luyện tập' })).toBeVisible();
    await expect(player.continueButton).toHaveCount(0);
    if (i === 0) {
      // Submitting nothing is refused, not recorded as a wrong answer.
      await player.submitButton.click();
      await expect(player.item.getByRole('alert')).toHaveText('Hãy chọn câu trả lời trước khi gửi.');
      await expect(player.feedback).toHaveCount(0);
    }
    await player.answer(lesson.practice);
    await expect(player.feedback).toHaveAttribute('data-correct', 'true');
    await expect(player.feedback).toContainText('Chính xác');
    await expect(player.feedback).toContainText(text(lesson.practice.explanation));
    await expect(player.submitButton).toHaveCount(0);
    await player.continue();
  }

  // One wrong answer in the check: it must cost exactly its points and show the right answer.
  const missed = mod.check.items.find((it) => itemKind(it) === 'single');
  const wrong = wrongAnswer(missed);
  const max = mod.check.items.reduce((a, it) => a + (it.points ?? 1), 0);
  const raw = max - (missed.points ?? 1);
  expect(raw, 'the content lets one miss still pass').toBeGreaterThanOrEqual(mod.check.pass_points);
  for (const [i, item] of mod.check.items.entries()) {
    await expect(player.stepCount).toHaveText(`Câu ${i + 1}/${mod.check.items.length}`);
    await expect(player.stepHeading).toHaveText('Kiểm tra kiến thức');
    await expect(player.step).toContainText(`Cần đạt ${mod.check.pass_points}/${max} điểm.`);
    await expect(player.item.locator('legend')).toHaveText(text(item.prompt));
    if (item === missed) {
      await player.answer(item, wrong);
      await expect(player.feedback).toHaveAttribute('data-correct', 'false');
      await expect(player.feedback).toContainText('Chưa chính xác');
      const right = text(item.options.find((o) => o.id === correctAnswer(item).value).text);
      await expect(player.feedback).toContainText(`Đáp án đúng: ${right}`);
      const chosen = item.options.find((o) => o.id === wrong.value);
      if (chosen.feedback) await expect(player.feedback).toContainText(text(chosen.feedback));
    } else {
      await player.answer(item);
      await expect(player.feedback).toHaveAttribute('data-correct', 'true');
    }
    await player.continue();
  }

  await expect(player.result).toBeVisible();
  await expect(player.stepHeading).toHaveText('Kết quả');
  await expect(player.result).toHaveAttribute('data-passed', 'true');
  await expect(player.result.locator('.verdict')).toHaveText('Đạt');
  await expect(player.score).toHaveText(`Điểm: ${raw}/${max} (cần ${mod.check.pass_points})`);
  await expect(player.result.locator('.review-item')).toHaveCount(mod.check.items.length);
  await expect(player.result.locator('.review-incorrect')).toHaveCount(1);
  await expect(player.result.locator('.review-incorrect')).toContainText(text(missed.prompt));

  await expect(player.attemptRows).toHaveCount(1);
  await expect(player.attemptRows.first()).toHaveAttribute('data-status', 'Passed');
  await expect(player.attemptRows.first().getByRole('cell')).toHaveText([/\d/, 'Đạt', `${raw}/${max}`]);

  const history = new HistoryPage(page, 'vi');
  await player.nav.getByRole('link', { name: 'Lịch sử làm bài' }).click();
  await expect(history.title).toBeVisible();
  await expect(history.rows).toHaveCount(1);
  await expect(history.row(title).getByRole('cell')).toHaveText([title, /\d/, 'Đạt', `${raw}/${max}`, mod.version]);

  const catalog = new CatalogPage(page, 'vi');
  await catalog.nav.getByRole('link', { name: 'Danh mục học phần' }).click();
  await catalog.waitReady();
  await expect(catalog.entryState('module', MODULE_ID)).toHaveText('Trạng thái: Đã đạt');
  await expect(catalog.entryState('module', 'dao-duc-cong-vu')).toHaveText('Trạng thái: Chưa bắt đầu');
});

// Guards: a reload mid-scenario losing the learner's place or the last consequence (events
// not durable or not replayed), wrong branching, and an end screen that hides what a better
// response would have been.
test('c: plays scenario nguoi-dan-buc-xuc-ho-so-dat-tre, resumes after a reload, reaches an ending', async ({ page }) => {
  const scenario = loadScenario(SCENARIO_ID);
  const steps = walk(scenario, MIXED_PATH);
  const ending = node(scenario, steps.at(-1).to);
  expect(ending.ending, 'the path ends at an ending').toBeTruthy();
  const poor = steps.filter((s) => s.better);
  expect(poor.length, 'the path takes at least one sub-optimal choice').toBeGreaterThan(0);

  const player = new ScenarioPlayer(page, 'vi');
  await player.goto(SCENARIO_ID);
  await expect(player.h1).toHaveText(text(scenario.title));
  await player.start();
  await player.expectAt(scenario.start);
  await expect(player.lastStep).toHaveCount(0);
  await expect(player.node.locator('.step-count')).toHaveText('Bước 1');

  for (const step of steps.slice(0, 2)) {
    await player.choose(step.choice, step.to);
    await expect(player.lastStep).toContainText(`Anh/chị đã chọn: ${text(step.choice.text)}`);
    await expect(player.lastStep).toContainText(`Diễn biến: ${text(step.choice.consequence)}`);
    await expect(player.lastStep).toContainText(`Nhận xét: ${text(step.choice.feedback)}`);
    await expect(player.lastStep.getByTestId('deltas')).toHaveText(`Điểm năng lực: ${deltasText(step.choice.scores)}`);
  }
  const here = steps[1].to;
  await expect(player.node).toHaveAttribute('data-node', here);

  await page.reload();
  await expect(player.node).toBeVisible();
  await expect(player.node).toHaveAttribute('data-node', here);
  await expect(player.node.locator('.step-count')).toHaveText('Bước 3');
  await expect(player.lastStep).toContainText(`Anh/chị đã chọn: ${text(steps[1].choice.text)}`);
  await expect(player.lastStep).toContainText(`Diễn biến: ${text(steps[1].choice.consequence)}`);
  await expect(player.startButton).toHaveCount(0);

  for (const step of steps.slice(2)) await player.choose(step.choice, step.to);

  const kindLabel = { good: vi.ending_good, mixed: vi.ending_mixed, bad: vi.ending_bad }[ending.ending.kind];
  await expect(player.endScreen).toHaveAttribute('data-ending-kind', ending.ending.kind);
  await expect(player.endScreen.locator('.ending-kind')).toHaveText(kindLabel);
  await expect(player.stepHeading).toHaveText(text(ending.ending.title));
  await expect(player.endScreen.getByRole('heading', { name: 'Hồ sơ năng lực qua tình huống' })).toBeVisible();
  await expect(player.profile.getByRole('img', { name: 'Hồ sơ năng lực qua tình huống' })).toBeVisible();
  await expect(player.profile.getByRole('rowheader')).toHaveText(scenario.competencies.map((c) => competencyName(c)));
  for (const cell of await player.profile.getByRole('cell').allInnerTexts()) expect(cell).toMatch(/^[0-5]\.\d\/5$/);

  await expect(player.endScreen.getByRole('heading', { name: 'Đường đi của anh/chị' })).toBeVisible();
  await expect(player.pathSteps).toHaveCount(steps.length);
  for (const [i, step] of steps.entries()) {
    await expect(player.pathSteps.nth(i)).toContainText(text(step.choice.text));
  }
  await expect(player.betterResponses).toHaveCount(poor.length);
  await expect(player.betterResponses.first()).toContainText(`Cách tốt hơn: ${text(poor[0].better.text)}`);
  await expect(player.betterResponses.first()).toContainText(`Vì sao: ${text(poor[0].better.feedback)}`);
  await expect(player.endScreen).not.toContainText(vi.all_best);

  await expect(player.attemptRows).toHaveCount(1);
  await expect(player.attemptRows.first()).toHaveAttribute('data-status', 'Completed');
  const history = new HistoryPage(page, 'vi');
  await history.goto();
  await expect(history.rows).toHaveCount(1);
  await expect(history.row(text(scenario.title))).toHaveAttribute('data-status', 'Completed');
  await expect(history.row(text(scenario.title)).getByRole('cell').nth(2)).toHaveText('Hoàn thành');
  await expect(history.row(text(scenario.title)).getByRole('cell').nth(3)).toContainText(ending.id);
});

// Guards: a control unreachable or inoperable without a mouse, and focus left behind (on a
// removed button or at the top of the page) when the player moves to the next step.
test('d: keyboard only: a lesson practice and a whole scenario, focus on each new step heading', async ({ page }) => {
  const mod = loadModule(MODULE_ID);
  const player = new ModulePlayer(page, 'vi');
  await player.goto(MODULE_ID);
  await pressUntilFocused(page, player.startButton);
  await page.keyboard.press('Enter');
  await expect(player.stepHeading).toBeFocused();
  await expect(player.stepHeading).toHaveText(text(mod.lessons[0].title));

  const practice = mod.lessons[0].practice;
  const { kind, value } = correctAnswer(practice);
  expect(kind).toBe('single');
  const radios = player.item.getByRole('radio');
  await pressUntilFocused(page, radios.first());
  // The options are shown in the attempt's own order: aim at the place on screen.
  const shown = await radios.evaluateAll((els) => els.map((e) => e.value));
  const target = shown.indexOf(value);
  expect(target).toBeGreaterThanOrEqual(0);
  if (target === 0) await page.keyboard.press('Space');
  for (let i = 0; i < target; i += 1) await page.keyboard.press('ArrowDown');
  await expect(radios.nth(target)).toBeFocused();
  await expect(radios.nth(target)).toBeChecked();
  // Shift+Tab back out of the group and Tab in again keeps the choice.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  await expect(radios.nth(target)).toBeFocused();
  await pressUntilFocused(page, player.submitButton);
  await page.keyboard.press('Enter');
  await expect(player.feedback).toHaveAttribute('data-correct', 'true');
  await pressUntilFocused(page, player.continueButton, { max: 10 });
  await page.keyboard.press('Space');
  await expect(player.stepHeading).toBeFocused();
  await expect(player.stepHeading).toHaveText(text(mod.lessons[1].title));

  const scenario = loadScenario(SCENARIO_ID);
  const sp = new ScenarioPlayer(page, 'vi');
  await sp.goto(SCENARIO_ID);
  await pressUntilFocused(page, sp.startButton);
  await page.keyboard.press('Enter');
  await sp.expectAt(scenario.start);
  await expect(sp.stepHeading).toBeFocused();
  const steps = walk(scenario, BEST_PATH);
  for (const [i, step] of steps.entries()) {
    await pressUntilFocused(page, sp.choiceButton(step.choice), { max: 10 });
    await page.keyboard.press(i % 2 === 0 ? 'Enter' : 'Space');
    await sp.expectAt(step.to);
    await expect(sp.stepHeading, `focus on the heading after choice ${i + 1}`).toBeFocused();
  }
  const ending = node(scenario, steps.at(-1).to);
  await expect(sp.stepHeading).toHaveText(text(ending.ending.title));
  await expect(sp.endScreen).toHaveAttribute('data-ending-kind', 'good');
  await expect(sp.endScreen).toContainText(vi.all_best);
  await expect(sp.betterResponses).toHaveCount(0);
});

/**
 * Visits every route and state a learner meets, calling `visit(label)` at each: history
 * empty, catalog in both languages, not-found pages, a module from intro to result, a
 * scenario from intro to its end screen, history with rows.
 */
async function tour(page, visit) {
  const history = new HistoryPage(page, 'vi');
  await history.goto();
  await expect(history.empty).toHaveText(vi.history_empty);
  await visit('history (empty)');

  const catalog = new CatalogPage(page, 'vi');
  await catalog.goto();
  await visit('catalog (vi)');
  const english = await catalog.switchLanguage();
  await visit('catalog (en)');
  await english.switchLanguage();

  await page.goto('/khong-co-trang-nay');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(vi.not_found_title);
  await visit('not-found page');
  await page.goto('/module/khong-co-hoc-phan-nay');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(vi.content_missing);
  await visit('unknown module');

  const mod = loadModule(MODULE_ID);
  const player = new ModulePlayer(page, 'vi');
  await player.goto(MODULE_ID);
  await expect(player.startButton).toBeVisible();
  await visit('module intro');
  await player.start();
  await playLessons(player, mod, async (i) => {
    if (i === 0) await visit('lesson with feedback');
  });
  const wrongOne = mod.check.items.find((it) => itemKind(it) === 'true_false');
  await playCheck(player, mod, {
    wrong: { [wrongOne.id]: wrongAnswer(wrongOne) },
    before: async (item) => {
      if (item === mod.check.items[0]) await visit('knowledge check item');
      if (itemKind(item) === 'ordering') await visit('knowledge check ordering item');
    },
  });
  await visit('module result');

  const scenario = loadScenario(SCENARIO_ID);
  const sp = new ScenarioPlayer(page, 'vi');
  await sp.goto(SCENARIO_ID);
  await expect(sp.startButton).toBeVisible();
  await visit('scenario intro');
  await sp.start();
  const steps = walk(scenario, MIXED_PATH);
  await sp.choose(steps[0].choice, steps[0].to);
  await expect(sp.lastStep).toBeVisible();
  await visit('scenario node with last-step panel');
  for (const step of steps.slice(1)) await sp.choose(step.choice, step.to);
  await expect(sp.endScreen).toBeVisible();
  await visit('scenario end screen');

  await history.goto();
  await expect(history.rows).toHaveCount(2);
  await visit('history (with rows)');
  await history.langSwitch.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en.history_title);
  await visit('history (en, with rows)');
}

// Guards: WCAG 2.1 A/AA failures (contrast, names, labels, landmarks, lang) in any state.
test('e: axe finds no WCAG 2.1 A/AA violation on any route or state', async ({ page }) => {
  const reports = [];
  await tour(page, async (label) => {
    const report = await axeReport(page, label);
    expect.soft(report, `axe on ${label}`).toBe('');
    if (report) reports.push(report);
  });
  if (reports.length) console.log(reports.join('\n\n'));
});

// Guards: runtime errors (wasm panics, failed fetches, storage errors, hydration warnings)
// that a learner would not see but that break the next step.
test('f: no console error or page error on any route or state', async ({ page, guard }) => {
  let visited = 0;
  await tour(page, async (label) => {
    await page.waitForLoadState('networkidle');
    visited += 1;
    expect.soft([...guard.problems], `console/page errors up to ${label}`).toEqual([]);
  });
  expect(visited).toBe(15);
});

// Guards: a CSP weakened to allow inline or eval'd script (XSS through content), a missing
// object-src/base-uri lockdown, a policy that is present but not enforced, and app code that
// needs what the policy forbids (inline styles, eval) and so breaks under it.
test('g: the Content-Security-Policy is strict, enforced, and the app runs under it', async ({ page, guard, request }) => {
  const response = await request.get('/');
  const html = await response.text();
  // The server sends the same policy as a header too (with frame-ancestors, which a <meta>
  // cannot carry; security.spec checks it): each policy enforces and reports on its own.
  const header = response.headers()['content-security-policy'];
  const policies = header ? 2 : 1;
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"\s*\/?>/i.exec(html);
  expect(meta, 'index.html has a CSP <meta>').not.toBeNull();
  expect(html.indexOf(meta[0]), 'the CSP comes before any script or stylesheet').toBeLessThan(
    Math.min(...['<script', '<link'].map((t) => html.indexOf(t)).filter((i) => i >= 0)),
  );
  const policy = Object.fromEntries(
    meta[1].split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]),
  );
  const scriptSrc = policy['script-src'] ?? policy['default-src'];
  expect(scriptSrc).toBeDefined();
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(scriptSrc.filter((s) => s === '*' || s === 'data:' || s === 'http:' || s === 'https:')).toEqual([]);
  expect(policy['style-src'] ?? policy['default-src']).not.toContain("'unsafe-inline'");
  expect(policy['object-src']).toEqual(["'none'"]);
  expect(policy['base-uri']).toEqual(["'none'"]);
  expect(html, 'no inline script in index.html').not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);

  // Use the app: every screen kind, both languages.
  const catalog = new CatalogPage(page, 'vi');
  await catalog.goto();
  await (await catalog.switchLanguage()).switchLanguage();
  const mod = loadModule(MODULE_ID);
  const player = new ModulePlayer(page, 'vi');
  await player.goto(MODULE_ID);
  await player.start();
  await playLessons(player, mod);
  await playCheck(player, mod);
  const scenario = loadScenario(SCENARIO_ID);
  const sp = new ScenarioPlayer(page, 'vi');
  await sp.goto(SCENARIO_ID);
  await sp.start();
  await playScenario(sp, scenario, BEST_PATH);
  await expect(sp.endScreen).toBeVisible();
  await new HistoryPage(page, 'vi').goto();
  await page.waitForLoadState('networkidle');
  expect(guard.csp, 'CSP violations while using the app').toEqual([]);

  // The policy is enforced: an injected inline script is blocked and reported.
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__e2eInlineRan = true;';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 200));
    return window.__e2eInlineRan === true;
  });
  expect(ran, 'an inline script ran despite the CSP').toBe(false);
  await expect.poll(() => guard.csp.length).toBe(policies);
  const violations = guard.takeCsp();
  expect(violations.map((v) => v.directive), 'the injected script, once per policy').toEqual(Array(policies).fill('script-src-elem'));
  expect(guard.takeProblems(/inline script/), 'Chromium logs the blocked inline script').toHaveLength(policies);
});

/** A README screenshot of the viewport, with the pointer out of the way (no hover styles). */
async function shot(page, name) {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

// Guards: README screenshots that are stale or show a broken layout (taken from the real
// build at desktop and mobile sizes; checked by eye when they change).
test('h: screenshots for the README', async ({ page }) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  const catalog = new CatalogPage(page, 'vi');
  await catalog.goto();
  await shot(page, 'catalog');

  const mod = loadModule(MODULE_ID);
  const player = new ModulePlayer(page, 'vi');
  await player.goto(MODULE_ID);
  await player.start();
  await playLessons(player, mod, async (i) => {
    if (i === 0) {
      // The end of the lesson, the practice item, its feedback and the continue button.
      await page.evaluate(() => {
        document.querySelector('[data-testid="continue"]').scrollIntoView({ block: 'end' });
        window.scrollBy(0, 24);
      });
      await shot(page, 'lesson');
    }
  });

  const scenario = loadScenario(SCENARIO_ID);
  const sp = new ScenarioPlayer(page, 'vi');
  await sp.goto(SCENARIO_ID);
  await sp.start();
  const steps = walk(scenario, MIXED_PATH);
  await sp.choose(steps[0].choice, steps[0].to);
  await expect(sp.lastStep).toBeVisible();
  await sp.node.scrollIntoViewIfNeeded();
  await shot(page, 'scenario');
  for (const step of steps.slice(1)) await sp.choose(step.choice, step.to);
  await page.evaluate(() => window.scrollTo(0, document.querySelector('.ending-kind').getBoundingClientRect().top + window.scrollY - 16));
  await shot(page, 'end-screen');

  await page.setViewportSize({ width: 360, height: 780 });
  await catalog.goto();
  await shot(page, 'catalog-mobile');
  // Nothing may overflow sideways on a small phone (the history table scrolls in its own box).
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(await overflow(), 'horizontal overflow of the catalog at 360px').toBeLessThanOrEqual(0);
  await new HistoryPage(page, 'vi').goto();
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  expect(await overflow(), 'horizontal overflow of the history at 360px').toBeLessThanOrEqual(0);
});

/** Every scenario's best path, from the content: the highest-total choice at each node. */
function bestPath(scenario) {
  const path = [];
  for (;;) {
    const steps = walk(scenario, path);
    const at = steps.length ? steps.at(-1).to : scenario.start;
    const n = node(scenario, at);
    if (n.ending) return path;
    const sum = (c) => Object.values(c.scores).reduce((a, b) => a + b, 0);
    path.push(n.choices.reduce((b, c) => (sum(c) > sum(b) ? c : b)).id);
  }
}

// Guards: the competency chart drawing a value over its bar or a long competency name into
// the bar (seen on the first run: "5.0" was painted over the full bar).
test('i: competency profile keeps names, bars and values apart, in Vietnamese and English', async ({ page }) => {
  const ids = catalogIds('scenario');
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    const scenario = loadScenario(id);
    const sp = new ScenarioPlayer(page, 'vi');
    await sp.goto(id);
    await sp.start();
    await playScenario(sp, scenario, bestPath(scenario));
    for (const lang of ['vi', 'en']) {
      if (lang === 'en') await sp.langSwitch.click();
      await expect(sp.profile.getByRole('rowheader').first()).toHaveText(competencyName(scenario.competencies[0], lang));
      const clashes = await sp.profile.locator('svg').evaluate((svg) => {
        const box = (el) => el.getBBox();
        const tracks = [...svg.querySelectorAll('.bars-track')].map(box);
        const labels = [...svg.querySelectorAll('.bars-label')];
        const values = [...svg.querySelectorAll('.bars-value')];
        const vb = svg.viewBox.baseVal;
        const out = [];
        tracks.forEach((t, i) => {
          const l = box(labels[i]);
          const v = box(values[i]);
          if (l.x + l.width > t.x - 2) out.push(`"${labels[i].textContent}" runs into its bar`);
          if (v.x < t.x + t.width + 2) out.push(`value ${values[i].textContent} overlaps its bar`);
          if (v.x + v.width > vb.x + vb.width) out.push(`value ${values[i].textContent} is cut off`);
        });
        return out;
      });
      expect(clashes, `competency chart of ${id} (${lang})`).toEqual([]);
    }
    await sp.langSwitch.click();
  }
});

// ---- order shuffled per attempt --------------------------------------------------------

/** Every record of one object store of the portal's database (raw IndexedDB, read only). */
async function localRecords(page, store) {
  return page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('boiduong');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(name, 'readonly').objectStore(name).getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => {
            db.close();
            reject(req.error);
          };
        };
      }),
    store,
  );
}

/** A result extension of a statement body, by its name under any base. */
const resultExt = (body, name) =>
  Object.entries(body.result?.extensions ?? {}).find(([k]) => k.endsWith(`/extensions/${name}`))?.[1];

/**
 * What the portal recorded for the answer to `part` (`nodes/<id>` or `items/<id>`) in attempt
 * `attempt`: the order shown and the place of the response, from the learner's own statements.
 */
async function recorded(page, attempt, part) {
  const records = await localRecords(page, 'statements');
  const answers = records
    .filter((r) => r.attempt_id === attempt)
    .map((r) => JSON.parse(r.body))
    .filter((b) => b.verb.id.endsWith('/answered') && b.object.id.endsWith(`/${part}`));
  expect(answers, `one answer to ${part} in ${attempt}`).toHaveLength(1);
  const [body] = answers;
  return { order: resultExt(body, 'shown-order'), place: resultExt(body, 'shown-position'), response: body.result.response };
}

/** The started events of the learner's attempts of `id`, oldest first: { attempt, seed }. */
async function startedAttempts(page, id) {
  const events = await localRecords(page, 'events');
  return events
    .filter((e) => e.seq === 0 && e.action?.type === 'started' && e.action.content_id === id)
    .sort((a, b) => a.at_ms - b.at_ms)
    .map((e) => ({ attempt: e.attempt_id, seed: e.action.order_seed }));
}

/** The choice ids of the current node, in the order on screen. */
const choiceOrder = (sp) => sp.node.getByTestId('choice').evaluateAll((els) => els.map((e) => e.dataset.choice));
/** The option ids of the current single/multiple item, in the order on screen. */
/** The option ids of `item` in the order shown, once the player shows exactly that item's options. */
async function optionOrder(player, item) {
  const inputs = player.item.locator('input');
  const read = () => inputs.evaluateAll((els) => els.map((e) => e.value));
  const ids = item.options.map((o) => o.id).sort();
  // the previous item's options may still be on screen for a moment after "continue"
  await expect.poll(async () => (await read()).sort(), { message: `the options of ${item.id}` }).toEqual(ids);
  return read();
}

/**
 * Plays `path` in a started scenario attempt; before each choice, the order on screen; after
 * it, that the statement recorded that order and the place of the choice. Calls
 * `between(i)` after choice i. Returns the orders seen, node by node.
 */
async function playRecordingOrders(page, sp, scenario, path, between = async () => {}) {
  const [{ attempt }] = (await startedAttempts(page, scenario.id)).slice(-1);
  const seen = [];
  for (const [i, step] of walk(scenario, path).entries()) {
    const order = await choiceOrder(sp);
    expect([...order].sort(), `every choice of ${step.node} shown once`).toEqual(node(scenario, step.node).choices.map((c) => c.id).sort());
    await sp.choose(step.choice, step.to);
    const rec = await recorded(page, attempt, `nodes/${step.node}`);
    expect(rec.order, `recorded order at ${step.node}`).toEqual(order);
    expect(rec.place, `recorded place of ${step.choice.id}`).toBe(order.indexOf(step.choice.id) + 1);
    seen.push(order);
    await between(i);
  }
  return { attempt, seen };
}

// Guards: choices and options shown in a fixed (written) order that gives the key away, an
// order recomputed from something other than the attempt (a reload showing another order
// than the one the learner saw), statements that do not record the order on screen, and
// attempts that share one order.
test('j: choices and options are shown in the attempt order: recorded, kept on reload, another order in another attempt', async ({ page }) => {
  test.setTimeout(150_000);
  const scenario = loadScenario(SCENARIO_ID);
  const path = bestPath(scenario);
  const sp = new ScenarioPlayer(page, 'vi');
  await sp.goto(SCENARIO_ID);
  await sp.start();
  // Mid-scenario reload after the first choice: the next node shows the same order.
  const first = await playRecordingOrders(page, sp, scenario, path, async (i) => {
    if (i !== 0) return;
    const before = await choiceOrder(sp);
    await page.reload();
    await expect(sp.node).toBeVisible();
    expect(await choiceOrder(sp), 'the order after a reload').toEqual(before);
  });
  await expect(sp.endScreen).toBeVisible();

  // Another attempt: its own seed, and (the same path) another order somewhere. Every node
  // repeating its order has chance Π 1/k! over the path (k choices per node; a few in a
  // thousand here), so one more attempt is taken in that case: three alike would mean the
  // order ignores the seed.
  const orders = [first];
  do {
    await sp.endScreen.getByTestId('retry').click();
    await expect(sp.node).toBeVisible();
    orders.push(await playRecordingOrders(page, sp, scenario, path));
    await expect(sp.endScreen).toBeVisible();
  } while (orders.length < 3 && JSON.stringify(orders.at(-1).seen) === JSON.stringify(first.seen));
  expect(orders.at(-1).seen, 'another attempt shows another order').not.toEqual(first.seen);
  const starts = await startedAttempts(page, SCENARIO_ID);
  expect(starts.map((s) => s.attempt)).toEqual(orders.map((o) => o.attempt));
  for (const s of starts) expect(s.seed, 'the order seed is in the started event').toEqual(expect.any(Number));
  expect(new Set(starts.map((s) => s.seed)).size, 'each attempt its own seed').toBe(starts.length);

  // A module: every single/multiple item shows its options in the recorded order; a reload
  // mid-check shows the same order.
  const mod = loadModule(MODULE_ID);
  const player = new ModulePlayer(page, 'vi');
  await player.goto(MODULE_ID);
  await player.start();
  const [{ attempt }] = (await startedAttempts(page, MODULE_ID)).slice(-1);
  const shuffled = (item) => ['single', 'multiple'].includes(itemKind(item));
  const answerRecorded = async (item) => {
    const order = shuffled(item) ? await optionOrder(player, item) : null;
    await player.answer(item);
    if (!order) return;
    expect([...order].sort()).toEqual(item.options.map((o) => o.id).sort());
    const rec = await recorded(page, attempt, `items/${item.id}`);
    expect(rec.order, `recorded order of ${item.id}`).toEqual(order);
    const chosen = rec.response.split('[,]').map((id) => order.indexOf(id) + 1);
    expect(rec.place, `recorded place(s) of ${item.id}`).toEqual(itemKind(item) === 'multiple' ? chosen : chosen[0]);
  };
  for (const lesson of mod.lessons) {
    await answerRecorded(lesson.practice);
    await player.continue();
  }
  let reloaded = false;
  for (const item of mod.check.items) {
    await expect(player.item).toHaveAttribute('data-item', item.id);
    if (!reloaded && shuffled(item)) {
      const before = await optionOrder(player, item);
      await page.reload();
      await expect(player.item).toHaveAttribute('data-item', item.id);
      expect(await optionOrder(player, item), `the order of ${item.id} after a reload`).toEqual(before);
      reloaded = true;
    }
    await answerRecorded(item);
    await player.continue();
  }
  expect(reloaded, 'the check has a single or multiple choice item').toBe(true);
  await expect(player.result).toBeVisible();
});
