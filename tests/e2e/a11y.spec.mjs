// End-to-end: axe-core (WCAG 2.1 A/AA) on the routes and states the other specs do not check:
// every page as a visitor who has not signed in sees it, the trainer area refused to a
// visitor, and the authoring preview without a node (the scenario's start) and of a node that
// does not exist. (Signed-in learner routes: learner.spec e, selfassess.spec; sign-in and
// sync states: sync.spec f; the trainer's pages and the learner replay: trainer.spec.)
import { test, expect, axeReport } from './fixtures.mjs';
import { CatalogPage } from './pages.mjs';
import { loadScenario, node, text, vi } from './content.mjs';

const MODULE_ID = 'tiep-nhan-ho-so-mot-cua';
const SCENARIO_ID = 'nguoi-dan-buc-xuc-ho-so-dat-tre';

/** Runs axe at each stop; the test fails with every report at the end. */
function checker() {
  const reports = [];
  return {
    async check(page, label) {
      const report = await axeReport(page, label);
      expect.soft(report, `axe on ${label}`).toBe('');
      if (report) reports.push(report);
    },
    print() {
      if (reports.length) console.log(reports.join('\n\n'));
    },
  };
}

// Guards: WCAG 2.1 A/AA failures on what a visitor sees before signing in.
test('axe finds no violation on any page while signed out', async ({ page }) => {
  const axe = checker();
  const catalog = new CatalogPage(page, 'vi');
  await catalog.goto();
  await expect(page.getByTestId('sync-badge')).toHaveText(vi.badge_sign_in);
  await axe.check(page, 'catalog (signed out)');

  await page.goto(`/module/${MODULE_ID}`);
  await expect(page.getByTestId('sign-in-to-start')).toBeVisible();
  await axe.check(page, 'module intro (signed out)');

  await page.goto(`/scenario/${SCENARIO_ID}`);
  await expect(page.getByTestId('scenario-page')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text(loadScenario(SCENARIO_ID).title));
  await axe.check(page, 'scenario intro (signed out)');

  await page.goto('/history');
  await expect(page.getByTestId('history')).toBeVisible();
  await axe.check(page, 'history (signed out)');

  await page.goto('/sync');
  await expect(page.getByText(vi.not_signed_in)).toBeVisible();
  await axe.check(page, 'sync (signed out)');

  await page.goto('/sign-in');
  await expect(page.getByTestId('sign-in')).toBeVisible();
  await axe.check(page, 'sign-in');

  await page.goto('/tu-danh-gia');
  await expect(page.getByTestId('selfassess-page')).toBeVisible();
  await axe.check(page, 'self-assessment (signed out)');

  await page.goto('/trainer');
  await expect(page.getByTestId('trainer-refused')).toBeVisible();
  await axe.check(page, 'trainer area (signed out: refused)');

  await page.goto('/trainer/scenario/' + SCENARIO_ID);
  await expect(page.getByTestId('trainer-refused')).toBeVisible();
  await axe.check(page, 'trainer scenario (signed out: refused)');

  await page.goto('/khong-co-trang-nay');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(vi.not_found_title);
  await axe.check(page, 'not found (signed out)');

  // English too.
  await page.goto('/');
  await catalog.switchLanguage();
  await axe.check(page, 'catalog (signed out, en)');
  axe.print();
});

// Guards: WCAG 2.1 A/AA failures in the authoring preview opened without a node (it shows
// the start node) and at a node that does not exist.
test('axe finds no violation on the preview without a node and of a missing node', async ({ page }) => {
  const axe = checker();
  const scenario = loadScenario(SCENARIO_ID);
  await page.goto(`/preview/scenario/${SCENARIO_ID}`);
  await expect(page.getByText(`${vi.preview_node} · ${scenario.start}`)).toBeVisible();
  await expect(page.locator('.preview-choice')).toHaveCount(node(scenario, scenario.start).choices.length);
  await axe.check(page, 'preview without a node');

  await page.goto(`/preview/scenario/${SCENARIO_ID}/khong-co-buoc-nay`);
  await expect(page.getByText(vi.preview_missing)).toBeVisible();
  await axe.check(page, 'preview of a missing node');

  await page.goto('/preview/scenario/khong-co-tinh-huong-nay');
  await expect(page.getByText(vi.preview_missing)).toBeVisible();
  await axe.check(page, 'preview of a missing scenario');
  axe.print();
});
