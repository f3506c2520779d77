// End-to-end: the authoring preview. A trainer opens any scenario at any node (no sign-in, no
// playing from the start) and sees every choice with its consequence, feedback, scores and
// where it leads, follows a branch to its node, and nothing is recorded on the device.
import { test, expect, axeReport } from './fixtures.mjs';
import { localStoreCounts } from './lrs.mjs';
import { contentMeta, loadScenario, text, vi } from './content.mjs';

// A scenario that branches on accumulated scores (its conditions must be shown).
const SCENARIO_ID = 'nguoi-than-nho-giup';

test('preview opens a scenario at any node with every choice, consequence, feedback, score and branch', async ({ page }) => {
  const scenario = loadScenario(SCENARIO_ID);
  const withBranch = scenario.nodes.find((n) => (n.choices ?? []).some((c) => (c.branches ?? []).length > 0));
  expect(withBranch, 'the scenario has a choice with a branch').toBeTruthy();
  // Not the start node: the preview does not play from the beginning.
  expect(withBranch.id).not.toBe(scenario.start);

  await page.goto(`/preview/scenario/${SCENARIO_ID}/${withBranch.id}`);
  const main = page.getByRole('main');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(text(scenario.title));
  await expect(main.getByText(`${vi.preview_node} · ${withBranch.id}`)).toBeVisible();

  const choices = main.locator('.preview-choice');
  await expect(choices).toHaveCount(withBranch.choices.length);
  for (const c of withBranch.choices) {
    const card = main.locator(`.preview-choice[data-choice="${c.id}"]`);
    await expect(card).toContainText(text(c.text));
    await expect(card).toContainText(text(c.consequence));
    await expect(card).toContainText(text(c.feedback));
    for (const [comp, d] of Object.entries(c.scores).filter(([, d]) => d !== 0)) {
      await expect(card).toContainText(`${comp} ${d > 0 ? '+' : '-'}${Math.abs(d)}`);
    }
    for (const b of c.branches ?? []) {
      const cond = b.when.all.map((x) => `${x.subject} ${x.op} ${x.value}`).join(' and ');
      await expect(card).toContainText(`${cond} → ${b.to}`);
    }
  }

  // Follow the first branch's destination: the preview moves to that node.
  const branched = withBranch.choices.find((c) => (c.branches ?? []).length > 0);
  const target = branched.branches[0].to;
  await main.locator(`.preview-choice[data-choice="${branched.id}"] .preview-branches a`).first().click();
  // the legal basis and last review from dist/content/meta.json, for the author
  const meta = contentMeta('scenario', SCENARIO_ID);
  expect(meta?.basis?.length, 'the scenario names its legal basis').toBeGreaterThan(0);
  const basis = main.getByTestId('content-basis');
  for (const b of meta.basis) await expect(basis).toContainText(b);
  const [y, m, d] = meta.reviewed.split('-');
  await expect(basis).toContainText(`${d}/${m}/${y}`);
  await expect(page).toHaveURL(new RegExp(`/preview/scenario/${SCENARIO_ID}/${target}$`));
  await expect(main.getByText(`${vi.preview_node} · ${target}`)).toBeVisible();

  // Every node is one click away from the node list.
  await expect(page.getByRole('navigation', { name: vi.preview_nodes }).getByRole('link')).toHaveCount(
    scenario.nodes.length,
  );
  expect(await axeReport(page, 'preview')).toBe('');

  // Previewing records nothing.
  const counts = await localStoreCounts(page);
  expect(counts.events ?? 0).toBe(0);
  expect(counts.outbox ?? 0).toBe(0);
});

test('preview of a node that does not exist says so', async ({ page }) => {
  await page.goto(`/preview/scenario/${SCENARIO_ID}/khong-co-buoc-nay`);
  await expect(page.getByText(vi.preview_missing)).toBeVisible();
});
