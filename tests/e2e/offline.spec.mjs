// Offline use (issue 4): the service worker serves the portal without a network, learners
// finish a module and a scenario offline, and the outbox drains to the real LRS afterwards;
// "My records" export and import bring everything back after the site data is cleared.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { ACCOUNTS } from './env.mjs';
import { loadModule, loadScenario, node } from './content.mjs';
import { SyncPage, openFromCatalog, signIn } from './pages.mjs';
import { localStatements, statementsOfRegistrations, withoutLrsFields } from './lrs.mjs';

/** Network failures are the point of these tests: the browser logs them as console errors. */
const NETWORK_NOISE = /ERR_INTERNET_DISCONNECTED|Failed to fetch|net::ERR_|NetworkError/;

async function controlledBySw(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) {
    await page.reload();
  }
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

/** Plays a whole module with the right answers. */
async function playModule(page, id) {
  const module = loadModule(id);
  const player = await openFromCatalog(page, 'module', id);
  await player.start();
  for (const lesson of module.lessons) {
    await player.answer(lesson.practice);
    await player.continue();
  }
  for (const item of module.check.items) {
    await player.answer(item);
    await player.continue();
  }
  await expect(page.getByTestId('module-result')).toBeVisible();
}

/** Plays a scenario to an ending, always taking the first choice. */
async function playScenario(page, id) {
  const scenario = loadScenario(id);
  await openFromCatalog(page, 'scenario', id);
  await page.getByTestId('start').click();
  for (let i = 0; i < 40; i++) {
    if (await page.getByTestId('end-screen').isVisible()) return;
    const at = await page.getByTestId('scenario-node').getAttribute('data-node');
    const first = node(scenario, at).choices[0];
    await page.locator(`[data-testid="choice"][data-choice="${first.id}"]`).click();
    // the next node, or the end screen
    await expect(page.locator(
      `[data-testid="end-screen"], [data-testid="scenario-node"]:not([data-node="${at}"])`,
    ).first()).toBeVisible();
  }
  await expect(page.getByTestId('end-screen')).toBeVisible();
}

/** The statement a learner queues on joining their class (sign-in with a class code). */
const isJoined = (q) => JSON.parse(q.body).verb.id === 'http://activitystrea.ms/join';

/** The LRS holds exactly the learner's own copy of the statements of these registrations. */
async function expectLrsHoldsLocalCopy(page) {
  // the attempts' statements (joining the class at sign-in belongs to no registration)
  const local = (await localStatements(page)).filter((q) => !isJoined(q));
  expect(local.length).toBeGreaterThan(0);
  const registrations = [...new Set(local.map((q) => q.attempt_id))];
  const remote = await statementsOfRegistrations(registrations);
  const byId = new Map(remote.map((s) => [s.id, s]));
  expect(remote.length, 'no statement twice, none extra').toBe(local.length);
  for (const q of local) {
    const stored = byId.get(q.id);
    expect(stored, `statement ${q.id} reached the LRS`).toBeTruthy();
    expect(withoutLrsFields(stored)).toEqual(withoutLrsFields(JSON.parse(q.body)));
  }
}

// Guards the offline promise: after one online visit the app shell and content come from the
// service worker; a module and a scenario are completed with no network; back online the
// outbox drains to the LRS with exactly the statements produced.
test('offline: learn without a network, then the outbox drains to the LRS', async ({ page, context, guard }) => {
  await signIn(page, ACCOUNTS.hocvien3, { remember: true });
  await controlledBySw(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('catalog')).toBeVisible();
  await expect(page.getByTestId('entry').first()).toBeVisible();

  await playModule(page, 'dao-duc-cong-vu');
  await playScenario(page, 'ho-so-thieu-giay-to-cuoi-gio');

  const sync = new SyncPage(page);
  await page.getByTestId('sync-badge').click();
  await expect(page.getByTestId('offline')).toBeVisible();
  expect(await sync.pendingCount()).toBeGreaterThan(0);

  await context.setOffline(false);
  await sync.drain();
  await expectLrsHoldsLocalCopy(page);
  guard.takeProblems(NETWORK_NOISE);
});

// Guards "My records": an export, a cleared browser, the same learner signed in again, an
// import: the attempts, the history and the learner's copy of every statement are back
// (statements rebuilt by the portal, equal to the originals), and a second import adds nothing.
test('export, clear site data, import: everything is back', async ({ page, context }, testInfo) => {
  await signIn(page, ACCOUNTS.hocvien3, { remember: true });
  await playScenario(page, 'nguoi-than-nho-giup');
  await page.getByTestId('sync-badge').click();
  const all = await localStatements(page);
  // the attempt's statements; the class joined at sign-in is joined again at the next one
  const before = all.filter((q) => !isJoined(q)).map((q) => q.id).sort();

  const download = page.waitForEvent('download');
  await page.getByTestId('export-records').click();
  const file = testInfo.outputPath('records.json');
  await (await download).saveAs(file);
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  expect(doc.format).toBe('boiduong-records');
  expect(doc.stores.statements.length).toBe(all.length);

  // Clear site data: the database and the remembered sign-in.
  await page.evaluate(async () => {
    localStorage.clear();
    await new Promise((resolve, reject) => {
      const r = indexedDB.deleteDatabase('boiduong');
      r.onsuccess = resolve;
      r.onerror = () => reject(r.error);
      r.onblocked = resolve;
    });
  });
  await context.clearCookies();
  await page.goto('/sync');
  expect(await localStatements(page)).toEqual([]);
  // Records are imported into the signed-in account only.
  await expect(page.getByTestId('import-file')).toHaveCount(0);
  await signIn(page, ACCOUNTS.hocvien3);
  await page.getByTestId('sync-badge').click();

  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('import-result')).toBeVisible();
  // statements are rebuilt from the answers: the attempt's all back (a joined statement is
  // no answer's: the sign-in above queued its own)
  const local = (await localStatements(page)).filter((q) => !isJoined(q));
  expect(local.map((q) => q.id).sort()).toEqual(before);
  const exported = new Map(doc.stores.statements.map((q) => [q.id, q.body]));
  for (const q of local) expect(JSON.parse(q.body), `rebuilt ${q.id}`).toEqual(JSON.parse(exported.get(q.id)));
  await page.goto('/history');
  await expect(page.getByTestId('history-row').first()).toBeVisible();

  await page.goto('/sync');
  await page.getByTestId('import-file').setInputFiles(file);
  await expect(page.getByTestId('import-result')).toContainText(/^Đã thêm 0 bản ghi/);
});
