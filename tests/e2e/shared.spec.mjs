// End-to-end: a shared office computer. "Máy dùng chung" keeps nothing beyond the page and
// sign-out clears the account; "remember me" keeps the password sealed, never a trainer's;
// two people on one browser never see each other's records, export, profile or consent, and
// one's records file cannot be imported by the other; the trainer's class shows only after
// the LRS checked the password in this page session, is sealed at rest and leaves with the
// trainer. Real Ralph, real Chromium, Vietnamese UI.
import { readFileSync } from 'node:fs';
import { test, expect, axeReport } from './fixtures.mjs';
import { HistoryPage, SignInPage, SyncPage, openFromCatalog, openHistory, openClass, openSync, signIn, signInTrainer } from './pages.mjs';
import { ACCOUNTS, FAULT_APP_ORIGIN, FAULT_SEED, LRS_URL, PROXY_PORT, PROXY_URL, TRAINER } from './env.mjs';
import { fill, loadScenario, node, vi } from './content.mjs';
import { localStatements, localStoreCounts } from './lrs.mjs';
import { startFaultProxy } from '../support/fault-proxy.mjs';

const SHORT_SCENARIO = 'nguoi-than-nho-giup';
const REMEMBER_KEY = 'boiduong.remember';
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Console errors Chromium logs for the proxy's provoked 401 answers. */
const PROXY_401 = new RegExp(`^console\\.error .*the server responded with a status of 401.*\\(${escapeRe(PROXY_URL)}/`);

/** Every record of a store of the portal's database, as JSON text (typed arrays as objects). */
async function rawRecords(page, store) {
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
            resolve(req.result.map((r) => JSON.stringify(r)));
          };
          req.onerror = () => reject(req.error);
        };
      }),
    store,
  );
}

/** Plays a scenario to an ending, always taking the first choice; returns its attempt id. */
async function playScenario(page, id = SHORT_SCENARIO) {
  const scenario = loadScenario(id);
  await openFromCatalog(page, 'scenario', id);
  await page.getByTestId('start').click();
  for (let i = 0; i < 40; i++) {
    if (await page.getByTestId('end-screen').isVisible()) break;
    const at = await page.getByTestId('scenario-node').getAttribute('data-node');
    const first = node(scenario, at).choices[0];
    await page.locator(`[data-testid="choice"][data-choice="${first.id}"]`).click();
    await expect(page.locator(
      `[data-testid="end-screen"], [data-testid="scenario-node"]:not([data-node="${at}"])`,
    ).first()).toBeVisible();
  }
  await expect(page.getByTestId('end-screen')).toBeVisible();
}

/** Downloads "My records" from /sync (already open) and returns the parsed file and its path. */
async function exportRecords(page, testInfo, name) {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-records').click();
  const path = testInfo.outputPath(name);
  await (await download).saveAs(path);
  return { path, doc: JSON.parse(readFileSync(path, 'utf8')) };
}

async function remembered(page) {
  return page.evaluate((k) => localStorage.getItem(k), REMEMBER_KEY);
}

// Guards a shared computer keeping the last person: with "máy dùng chung" neither the account
// nor the password is kept (a reload signs out, the form is blank), the records are not lost
// (the same account finds them again), and sign-out after sync leaves nothing on the device.
test('shared computer: nothing kept beyond the page, records kept for the account, sign-out clears it', async ({ page }) => {
  const user = ACCOUNTS.hocvien1;
  await signIn(page, user, { shared: true });
  expect(await remembered(page)).toBeNull();
  expect((await rawRecords(page, 'meta')).some((r) => JSON.parse(r).key === 'identity'), 'no identity kept').toBe(false);
  await playScenario(page);
  const sync = await openSync(page);
  await sync.drain();

  await page.reload();
  await expect(page.getByTestId('sync-badge')).toHaveText(vi.badge_sign_in);
  const history = new HistoryPage(page, 'vi');
  await history.goto();
  await expect(history.empty).toBeVisible();
  const form = new SignInPage(page, 'vi');
  await form.goto();
  await expect(page.locator('#account')).toHaveValue('');
  await expect(page.locator('#name')).toHaveValue('');

  await form.submitAs(user, { shared: true });
  await expect(page).not.toHaveURL(/\/sign-in/);
  const again = await openHistory(page);
  await expect(again.rows).toHaveCount(1);

  const account = await openSync(page);
  await account.signOut.click();
  await expect(page.getByText(vi.sign_out_done)).toBeVisible();
  const counts = await localStoreCounts(page);
  expect(Object.values(counts).every((n) => n === 0), `every store empty: ${JSON.stringify(counts)}`).toBe(true);
  expect(await remembered(page)).toBeNull();
});

// Guards "remember me" keeping the password in clear and for ever, and a trainer's password
// being remembered at all.
test('remember me: the password is sealed on the device; a trainer is never remembered', async ({ page }) => {
  const user = ACCOUNTS.hocvien2;
  await signIn(page, user, { remember: true });
  const kept = await remembered(page);
  expect(kept, 'remembered').not.toBeNull();
  expect(kept).not.toContain(user.password);
  expect(kept).not.toContain(user.account);
  expect(await rawRecords(page, 'keys'), 'the key that opens it').toHaveLength(1);
  await page.reload();
  const sync = new SyncPage(page, 'vi');
  await sync.goto();
  await expect(page.getByTestId('identity')).toContainText(user.account);
  await expect(sync.needPassword, 'the remembered password opened the session').toHaveCount(0);
  await expect(sync.syncNow).toBeEnabled();

  await signIn(page, TRAINER, { remember: true });
  await expect(page).toHaveURL(/\/trainer$/);
  expect(await remembered(page), 'a trainer is never remembered').toBeNull();
  expect(await rawRecords(page, 'keys')).toHaveLength(0);
});

// Guards one person's records reaching the next: a second account on the same browser sees
// none of the first one's history, profile, consent or export, cannot import their file (and
// is told why), and the first finds everything again.
test('two people on one browser: each sees only their own records', async ({ page }, testInfo) => {
  const a = ACCOUNTS.hocvien1;
  const b = ACCOUNTS.hocvien2;
  await signIn(page, a);
  await playScenario(page);
  await page.getByTestId('nav-selfassess').click();
  await expect(page.getByTestId('profile-form')).toBeVisible();
  await page.locator('#profile-position').selectOption('cong-chuc-chuyen-mon-xa');
  await page.getByTestId('profile-save').click();
  await expect(page.getByTestId('profile-saved')).toBeVisible();
  await page.locator('#consent-ratings').check();
  await expect(page.getByTestId('consent-saved')).toBeVisible();
  let sync = await openSync(page);
  const fileOfA = await exportRecords(page, testInfo, 'records-a.json');
  expect(fileOfA.doc.stores.attempts).toHaveLength(1);
  const attemptOfA = fileOfA.doc.stores.attempts[0].id;

  // B signs in on the same browser without A signing out.
  await signIn(page, b);
  let history = await openHistory(page);
  await expect(history.empty).toBeVisible();
  await page.getByTestId('nav-selfassess').click();
  await expect(page.getByTestId('profile-form')).toBeVisible();
  await expect(page.locator('#profile-position')).toHaveValue('');
  await expect(page.locator('#consent-ratings'), 'consent starts private for each account').not.toBeChecked();
  sync = await openSync(page);
  await expect(sync.pending).toHaveAttribute('data-count', '0');
  const fileOfB = await exportRecords(page, testInfo, 'records-b.json');
  const textOfB = JSON.stringify(fileOfB.doc.stores);
  expect(textOfB).not.toContain(a.account);
  expect(textOfB).not.toContain(attemptOfA);
  // B's only record: joining their class at sign-in (sent, kept as B's copy)
  const joinedOfB = (q) => q.account === b.account && JSON.parse(q.body ?? '{}').verb?.id === 'http://activitystrea.ms/join';
  for (const [store, list] of Object.entries(fileOfB.doc.stores)) expect(list.filter((q) => !joinedOfB(q)), `${store} of B's export`).toEqual([]);
  expect(Object.values(fileOfB.doc.stores).flat().filter(joinedOfB), 'B joined their class').toHaveLength(1);

  await page.getByTestId('import-file').setInputFiles(fileOfA.path);
  await expect(page.getByTestId('import-result')).toHaveText(
    fill(vi.import_failed, { reason: fill(vi.import_refused_other_account, { file: a.account, you: b.account }) }),
  );
  history = await openHistory(page);
  await expect(history.empty).toBeVisible();

  // A again: everything is there.
  await signIn(page, a);
  history = await openHistory(page);
  await expect(history.rows).toHaveCount(1);
  await page.getByTestId('nav-selfassess').click();
  await expect(page.locator('#profile-position')).toHaveValue('cong-chuc-chuyen-mon-xa');
  await expect(page.locator('#consent-ratings')).toBeChecked();
  // every statement on the device is A's, but B's joining their class (B did not sign out)
  const notA = (await localStatements(page)).filter((q) => q.account !== a.account);
  expect(notA.every(joinedOfB), 'every statement on the device is A\'s, or B\'s joining').toBe(true);
  expect(notA).toHaveLength(1);
});

// Guards the class reaching the next person on an office PC: the cached class (every learner's
// names and results) is shown only after the LRS checked the trainer's password in this page
// session, is unreadable on the device, and is deleted at sign-out.
test('trainer: the class only after the password is checked; sealed at rest; gone at sign-out', async ({ page }) => {
  test.setTimeout(180_000);
  const learner = ACCOUNTS.hocvien3;
  await signIn(page, learner);
  await playScenario(page);
  const sync = await openSync(page);
  await sync.drain();

  await signInTrainer(page, TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await openClass(page, learner.classCode);
  const learners = page.getByTestId('table-class-learners');
  await expect(learners).toContainText(learner.account);
  const cache = await rawRecords(page, 'review');
  expect(cache.length, 'the class is cached').toBeGreaterThan(0);
  for (const record of cache) {
    expect(record).not.toContain(learner.account);
    expect(record).not.toContain(learner.name);
    expect(Object.keys(JSON.parse(record)).sort()).toEqual(['data', 'iv', 'key']);
  }

  // A reload: the identity is known, the password is not; nothing of the class is shown.
  await page.reload();
  await expect(page.getByTestId('trainer-locked')).toBeVisible();
  await expect(page.getByTestId('trainer-locked')).toContainText(vi.trainer_locked);
  await expect(page.getByTestId('trainer-fetch')).toHaveCount(0);
  await expect(page.getByText(learner.account)).toHaveCount(0);
  expect(await axeReport(page, 'trainer area locked after a reload')).toBe('');

  // The password again, on the form the trainer app shows there (checked by the LRS): the
  // class is back.
  const form = new SignInPage(page, 'vi');
  await form.waitReady();
  await expect(page.locator('#account')).toHaveValue(TRAINER.account);
  await form.submitAs(TRAINER);
  await expect(page).toHaveURL(/\/trainer$/);
  await expect(learners).toContainText(learner.account, { timeout: 60_000 });

  const account = await openSync(page);
  await account.signOut.click();
  await expect(page.getByText(vi.sign_out_done)).toBeVisible();
  expect(await rawRecords(page, 'review')).toEqual([]);
  await page.goto('/trainer');
  await expect(page.getByTestId('trainer-refused')).toBeVisible();
});

test.describe('through the fault proxy', () => {
  // The copy of the portal whose config.json points at the proxy.
  test.use({ baseURL: FAULT_APP_ORIGIN });

  /** @type {Awaited<ReturnType<typeof startFaultProxy>>} */
  let proxy;
  test.beforeAll(async () => {
    proxy = await startFaultProxy({ port: PROXY_PORT, target: LRS_URL, seed: FAULT_SEED });
  });
  test.afterAll(async () => {
    await proxy?.close();
  });

  // Guards the class staying on an office PC after the trainer's password is changed or
  // revoked: when the LRS refuses the account (401), the sealed cache leaves the device and
  // the area asks to sign in again.
  test('trainer: the LRS refusing the account deletes the class from the device', async ({ page, guard }) => {
    test.setTimeout(180_000);
    proxy.setPlan({ mode: 'pass' });
    const learner = ACCOUNTS.hocvien2;
    await signIn(page, learner);
    await playScenario(page);
    const sync = await openSync(page);
    await sync.drain();

    await signInTrainer(page, TRAINER);
    await openClass(page, learner.classCode);
    await expect(page.getByTestId('table-class-learners')).toContainText(learner.account);
    expect((await rawRecords(page, 'review')).length).toBeGreaterThan(0);

    proxy.setPlan({ mode: 'always', fault: 'unauthorized' });
    await page.getByTestId('trainer-refresh').click();
    await expect(page.getByTestId('trainer-locked')).toBeVisible({ timeout: 30_000 });
    await expect.poll(() => rawRecords(page, 'review')).toEqual([]);
    await expect(page.getByText(learner.account)).toHaveCount(0);
    expect(guard.takeProblems(PROXY_401).length, 'the 401 showed as a failed request').toBeGreaterThan(0);
  });
});
