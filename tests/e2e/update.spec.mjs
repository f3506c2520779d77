// The update flow (issue 4): a new build is deployed while a scenario is in progress; the
// learner finishes it on the content version it started on, then accepts the update, and the
// portal runs the new version.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect } from './fixtures.mjs';
import { ACCOUNTS, DIST, LRS_ENDPOINT, UPDATE_APP_ORIGIN, UPDATE_APP_PORT } from './env.mjs';
import { loadScenario, node } from './content.mjs';
import { openFromCatalog, signIn } from './pages.mjs';

const SCENARIO = 'nguoi-dan-buc-xuc-ho-so-dat-tre';
const MARK = ' (bản cập nhật)';

let dir;
let server;

// Every relative navigation of this file goes to the copy being updated.
test.use({ baseURL: UPDATE_APP_ORIGIN });

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'boiduong-update-'));
  cpSync(resolve(DIST), dir, { recursive: true, preserveTimestamps: true });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  config.lrs_endpoint = LRS_ENDPOINT;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  regenerateServiceWorker();
  server = spawn('node', ['scripts/static-server.mjs', dir, String(UPDATE_APP_PORT)], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${UPDATE_APP_ORIGIN}/index.html`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('update test server did not start');
});

test.afterAll(() => {
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The build's last steps, on the served copy: a new sw.js for the files now there, and
 * their precompressed copies. */
function regenerateServiceWorker() {
  for (const script of ['scripts/build/make-sw.mjs', 'scripts/build/precompress.mjs']) {
    if (spawnSyncNode([script, dir], {}) !== 0) throw new Error(`${script} failed`);
  }
}

function spawnSyncNode(args, env) {
  return spawnSync('node', args, { env: { ...process.env, ...env }, stdio: 'ignore' }).status;
}

/** "Deploys" a new build: the scenario's text changes, so it gets a new content version. */
function deployNewBuild() {
  const catalogPath = join(dir, 'content', 'catalog.json');
  const catalog = JSON.parse(readFileSync(catalogPath, 'utf8'));
  const entry = catalog.entries.find((e) => e.kind === 'scenario' && e.id === SCENARIO);
  const scenario = JSON.parse(readFileSync(join(dir, 'content', entry.file), 'utf8'));
  const version = 'b'.repeat(16);
  for (const n of scenario.nodes) n.text_html.vi = n.text_html.vi.replace('</p>', `${MARK}</p>`);
  scenario.version = version;
  entry.version = version;
  entry.file = `scenarios/${SCENARIO}.${version}.json`;
  writeFileSync(join(dir, 'content', entry.file), JSON.stringify(scenario));
  writeFileSync(catalogPath, JSON.stringify(catalog));
  regenerateServiceWorker();
  return version;
}

async function choose(page, scenario) {
  const at = await page.getByTestId('scenario-node').getAttribute('data-node');
  const first = node(scenario, at).choices[0];
  await page.locator(`[data-testid="choice"][data-choice="${first.id}"]`).click();
  await expect(page.locator(
    `[data-testid="end-screen"], [data-testid="scenario-node"]:not([data-node="${at}"])`,
  ).first()).toBeVisible();
}

// Guards the update flow: no switch in the middle of an attempt, the attempt finishes on its
// own content version, and after the learner's click the new build and content run.
test('a new build during a scenario: finish on the old version, then update on click', async ({ page }) => {
  const scenario = loadScenario(SCENARIO);
  await signIn(page, ACCOUNTS.hocvien1, { remember: true });
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  await openFromCatalog(page, 'scenario', SCENARIO);
  await page.getByTestId('start').click();
  await choose(page, scenario);

  deployNewBuild();
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    await reg.update();
  });
  await expect.poll(() => page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return !!reg.waiting;
  }), { timeout: 20_000 }).toBe(true);

  // In the player: no update prompt, and the old text (no mark) to the end.
  await expect(page.getByTestId('update-ready')).toHaveCount(0);
  for (let i = 0; i < 20 && !(await page.getByTestId('end-screen').isVisible()); i++) {
    await expect(page.locator('.situation')).not.toContainText(MARK);
    await choose(page, scenario);
  }
  await expect(page.getByTestId('end-screen')).toBeVisible();

  // Outside the player the learner is offered the update; it applies on the click.
  await page.getByTestId('sync-badge').click();
  await expect(page.getByTestId('update-ready')).toBeVisible();
  const oldWorker = await page.evaluate(() => navigator.serviceWorker.controller.scriptURL);
  await Promise.all([page.waitForEvent('load'), page.getByTestId('apply-update').click()]);
  await expect.poll(() => page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return !reg.waiting && !!navigator.serviceWorker.controller;
  })).toBe(true);
  expect(oldWorker).toContain('/sw.js');

  // The new build runs: a new attempt uses the new content version.
  await page.goto(`${UPDATE_APP_ORIGIN}/scenario/${SCENARIO}`);
  await page.getByTestId('start').click();
  await expect(page.locator('.situation')).toContainText(MARK);
  await page.goto(`${UPDATE_APP_ORIGIN}/history`);
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  const versions = await page.locator('[data-testid="history-row"] code').allTextContents();
  expect(versions).toContain('b'.repeat(16));
  expect(versions.some((v) => v !== 'b'.repeat(16)), 'the first attempt kept its version').toBe(true);
});
