// Page objects of the portal. Locators are role based where the role names what the learner
// sees (headings, buttons, radios by their label) and use the app's data-testid hooks for the
// regions the roles cannot name (an entry card, the current step, the feedback panel).
// Every object takes the UI language so the same object drives the Vietnamese and English UI.
import { expect } from '@playwright/test';
import { correctAnswer, fill, strings, text } from './content.mjs';

class Base {
  /** @param {import('@playwright/test').Page} page @param {'vi'|'en'} lang */
  constructor(page, lang = 'vi') {
    this.page = page;
    this.lang = lang;
    this.s = strings[lang];
  }

  get h1() {
    return this.page.getByRole('heading', { level: 1 });
  }

  get header() {
    return this.page.getByRole('banner');
  }

  get nav() {
    return this.page.getByRole('navigation', { name: this.s.nav_main });
  }

  get langSwitch() {
    return this.page.getByTestId('lang-switch');
  }

  /** The heading every step moves keyboard focus to (the player's `#step-heading`). */
  get stepHeading() {
    return this.page.locator('main h2#step-heading');
  }
}

export class CatalogPage extends Base {
  async goto() {
    await this.page.goto('/');
    await this.waitReady();
  }

  async waitReady() {
    await expect(this.page.getByTestId('catalog')).toBeVisible();
    await expect(this.page.getByTestId('entry').first()).toBeVisible();
  }

  get title() {
    return this.page.getByRole('heading', { level: 1, name: this.s.catalog_title });
  }

  get fieldHeadings() {
    return this.page.getByTestId('catalog').getByRole('heading', { level: 2 });
  }

  entry(kind, id) {
    return this.page.locator(`[data-testid="entry"][data-kind="${kind}"][data-id="${id}"]`);
  }

  entryState(kind, id) {
    return this.entry(kind, id).getByTestId('entry-state');
  }

  entryLink(kind, id) {
    return this.entry(kind, id).getByRole('heading', { level: 3 }).getByRole('link');
  }

  /** Switches the UI language with the header button and waits for the catalog to follow. */
  async switchLanguage() {
    const next = this.lang === 'vi' ? 'en' : 'vi';
    await this.langSwitch.click();
    const after = new CatalogPage(this.page, next);
    await expect(after.title).toBeVisible();
    return after;
  }
}

export class ModulePlayer extends Base {
  async goto(id) {
    await this.page.goto(`/module/${id}`);
    await expect(this.root).toBeVisible();
  }

  get root() {
    return this.page.getByTestId('module-page');
  }

  get startButton() {
    return this.root.getByRole('button', { name: this.s.start, exact: true });
  }

  get step() {
    return this.page.getByTestId('module-step');
  }

  get stepCount() {
    return this.step.locator('.step-count');
  }

  get lessonBody() {
    return this.step.getByTestId('lesson-body');
  }

  get item() {
    return this.page.getByTestId('item');
  }

  get submitButton() {
    return this.item.getByRole('button', { name: this.s.submit_answer, exact: true });
  }

  get feedback() {
    return this.item.getByTestId('feedback');
  }

  get continueButton() {
    return this.step.getByTestId('continue');
  }

  get result() {
    return this.page.getByTestId('module-result');
  }

  get score() {
    return this.result.getByTestId('score');
  }

  get attemptRows() {
    return this.page.getByTestId('attempt-list').getByTestId('attempt-row');
  }

  async start() {
    await this.startButton.click();
    await expect(this.step).toBeVisible();
  }

  /** Puts an answer ({kind, value}, option ids as in the content) into the current item. */
  async fill(item, answer) {
    const form = this.item;
    await expect(form).toHaveAttribute('data-item', item.id);
    const option = (id) => text(item.options.find((o) => o.id === id).text, this.lang);
    switch (answer.kind) {
      case 'single':
        await form.getByRole('radio', { name: option(answer.value), exact: true }).check();
        break;
      case 'multiple':
        for (const id of answer.value) {
          await form.getByRole('checkbox', { name: option(id), exact: true }).check();
        }
        break;
      case 'true_false':
        await form
          .getByRole('radio', { name: answer.value ? this.s.true_label : this.s.false_label, exact: true })
          .check();
        break;
      case 'ordering':
        await this.arrange(answer.value.map(option));
        break;
      default:
        throw new Error(`unknown item kind ${answer.kind}`);
    }
  }

  /** Moves the steps of an ordering item into `wanted` order with the "up" buttons. */
  async arrange(wanted) {
    const rows = this.item.locator('.ordering-text');
    for (let i = 0; i < wanted.length; i += 1) {
      const now = (await rows.allInnerTexts()).map((t) => t.trim());
      let at = now.indexOf(wanted[i]);
      expect(at, `ordering step "${wanted[i]}" is shown`).toBeGreaterThanOrEqual(0);
      while (at > i) {
        await this.item
          .getByRole('button', { name: fill(this.s.move_up_label, { item: wanted[i] }), exact: true })
          .click();
        at -= 1;
        await expect(rows.nth(at)).toHaveText(wanted[i]);
      }
    }
    await expect(rows).toHaveText(wanted);
  }

  /** Answers the current item and waits for the feedback. */
  async answer(item, answer = correctAnswer(item)) {
    await this.fill(item, answer);
    await this.submitButton.click();
    await expect(this.feedback).toBeVisible();
  }

  async continue() {
    await this.continueButton.click();
  }
}

export class ScenarioPlayer extends Base {
  async goto(id) {
    await this.page.goto(`/scenario/${id}`);
    await expect(this.root).toBeVisible();
  }

  get root() {
    return this.page.getByTestId('scenario-page');
  }

  get startButton() {
    return this.root.getByRole('button', { name: this.s.start, exact: true });
  }

  get node() {
    return this.page.getByTestId('scenario-node');
  }

  get lastStep() {
    return this.page.getByTestId('last-step');
  }

  get endScreen() {
    return this.page.getByTestId('end-screen');
  }

  get profile() {
    return this.endScreen.getByTestId('competency-profile');
  }

  get pathSteps() {
    return this.endScreen.getByTestId('path-step');
  }

  get betterResponses() {
    return this.endScreen.getByTestId('better');
  }

  get attemptRows() {
    return this.page.getByTestId('attempt-list').getByTestId('attempt-row');
  }

  choiceButton(choice) {
    return this.node.getByRole('button', { name: text(choice.text, this.lang), exact: true });
  }

  async start() {
    await this.startButton.click();
    await expect(this.node).toBeVisible();
  }

  /** Takes a choice and waits until the player shows `expected` (a node id, or an ending). */
  async choose(choice, expected) {
    await this.choiceButton(choice).click();
    await this.expectAt(expected);
  }

  async expectAt(nodeOrEnding) {
    await expect(this.page.locator(
      `[data-testid="scenario-node"][data-node="${nodeOrEnding}"], [data-testid="end-screen"][data-ending="${nodeOrEnding}"]`,
    )).toBeVisible();
  }
}

export class HistoryPage extends Base {
  async goto() {
    await this.page.goto('/history');
    await expect(this.page.getByTestId('history')).toBeVisible();
    await expect(this.table.or(this.empty)).toBeVisible();
  }

  get title() {
    return this.page.getByRole('heading', { level: 1, name: this.s.history_title });
  }

  get table() {
    return this.page.getByTestId('history-table');
  }

  get empty() {
    return this.page.getByTestId('history-empty');
  }

  get rows() {
    return this.table.getByTestId('history-row');
  }

  /** The row of a content (by its link, the content title). */
  row(title) {
    return this.rows.filter({ has: this.page.getByRole('link', { name: title, exact: true }) });
  }
}

/** The sign-in form (/sign-in): account, password, name, class code, "shared computer", "remember". */
export class SignInPage extends Base {
  async goto(next) {
    await this.page.goto(next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in');
    await this.waitReady();
  }

  async waitReady() {
    await expect(this.root).toBeVisible();
    // Not busy with a previous submit. (No wait for config.json here on purpose: the portal
    // must cope with a submit made while it is still loading.)
    await expect(this.submit).toBeEnabled();
  }

  get root() {
    return this.page.getByTestId('sign-in');
  }

  get submit() {
    return this.page.getByTestId('sign-in-submit');
  }

  get error() {
    return this.root.getByRole('alert');
  }

  /** Fills the form (`user` as in tests/e2e/env.mjs ACCOUNTS) and submits it. */
  async submitAs(user, { password = user.password, remember = false, shared = false } = {}) {
    await this.page.locator('#account').fill(user.account);
    await this.page.locator('#password').fill(password);
    await this.page.locator('#name').fill(user.name);
    await this.page.locator('#class').fill(user.classCode ?? '');
    const sharedBox = this.page.locator('#shared');
    if ((await sharedBox.isChecked()) !== shared) await sharedBox.click();
    await expect(sharedBox).toBeChecked({ checked: shared });
    const box = this.page.locator('#remember');
    if (shared) {
      await expect(box, '"remember" is not offered on a shared computer').toBeDisabled();
    } else {
      if ((await box.isChecked()) !== remember) await box.click();
      await expect(box).toBeChecked({ checked: remember });
    }
    await this.submit.click();
  }
}

/** The sync and account page (/sync). */
export class SyncPage extends Base {
  async goto() {
    await this.page.goto('/sync');
    await expect(this.root).toBeVisible();
  }

  get root() {
    return this.page.getByTestId('sync-page');
  }

  get pending() {
    return this.page.getByTestId('pending');
  }

  /** The unsent count the page shows (its data-count). */
  async pendingCount() {
    return Number(await this.pending.getAttribute('data-count'));
  }

  get lastSync() {
    return this.page.getByTestId('last-sync');
  }

  get syncNow() {
    return this.page.getByTestId('sync-now');
  }

  get rejectedRows() {
    return this.page.getByTestId('rejected-row');
  }

  get authRequired() {
    return this.page.getByTestId('auth-required');
  }

  /** The notice of a misconfigured LRS (403/404 on its statements resource). */
  get misconfigured() {
    return this.page.getByTestId('sync-misconfigured');
  }

  /** "Send these records again" (the rejected statements back into the outbox). */
  get requeue() {
    return this.page.getByTestId('requeue-rejected');
  }

  get needPassword() {
    return this.page.getByTestId('need-password');
  }

  get signOut() {
    return this.page.getByTestId('sign-out');
  }

  get signOutWarning() {
    return this.page.getByTestId('sign-out-warning');
  }

  get signOutAnyway() {
    return this.page.getByTestId('sign-out-anyway');
  }

  /**
   * Clicks "Sync now" whenever it is enabled until nothing is pending (bounded by `timeout`).
   * "Sync now" cancels the client's own backoff, never an LRS's Retry-After.
   */
  async drain({ timeout = 60_000 } = {}) {
    await expect(async () => {
      if ((await this.pendingCount()) !== 0 && (await this.syncNow.isEnabled())) await this.syncNow.click();
      expect(await this.pendingCount(), 'records still pending').toBe(0);
    }).toPass({ timeout, intervals: [500, 1_000, 2_000] });
  }
}

/**
 * Signs `user` in through the form (tests/e2e/env.mjs ACCOUNTS) and waits until the portal
 * has the learner: the form is left and the header badge no longer asks to sign in.
 * `next` is where the form sends the learner afterwards (default the catalog).
 */
export async function signIn(page, user, { remember = false, shared = false, next, lang = 'vi' } = {}) {
  const form = new SignInPage(page, lang);
  await form.goto(next);
  await form.submitAs(user, { remember, shared });
  await expect(page).not.toHaveURL(/\/sign-in/);
  await expect(page.getByTestId('sync-badge')).not.toHaveText(strings[lang].badge_sign_in);
  return form;
}

/**
 * Signs a trainer in on the trainer app's own form: /trainer shows it while no session is
 * open in that page (the trainer app is its own page: the password of a sign-in made in the
 * learner app stays in that page's memory). The form is left for the trainer area.
 */
/** Opens a class in the trainer area (typed, as a training centre gives it) and waits for its read. */
export async function openClass(page, code) {
  await page.getByTestId('class-code-input').fill(code);
  await page.getByTestId('class-open').click();
  await expect(page.getByTestId('trainer-fetch')).toBeVisible();
  await expect(page.getByTestId('trainer-refresh')).toBeEnabled({ timeout: 120_000 });
}

export async function signInTrainer(page, user, { lang = 'vi' } = {}) {
  await page.goto('/trainer');
  const form = new SignInPage(page, lang);
  await form.waitReady();
  await form.submitAs(user);
  await expect(page.getByTestId('class-picker')).toBeVisible();
  await expect(form.root).toHaveCount(0);
  await expect(page.getByTestId('sync-badge')).not.toHaveText(strings[lang].badge_sign_in);
  return form;
}

/*
 * In-app navigation. The password is kept in memory only (unless "remember" was ticked), so
 * a page load (page.goto, reload) ends the sync session; a learner moves by links, and so do
 * the tests that need the session to last.
 */

/** Opens a module or scenario from the catalog, by links. */
export async function openFromCatalog(page, kind, id, lang = 'vi') {
  const catalog = new CatalogPage(page, lang);
  await catalog.nav.getByRole('link', { name: strings[lang].nav_catalog, exact: true }).click();
  await catalog.waitReady();
  await catalog.entryLink(kind, id).click();
  const root = page.getByTestId(kind === 'module' ? 'module-page' : 'scenario-page');
  await expect(root).toBeVisible();
  return kind === 'module' ? new ModulePlayer(page, lang) : new ScenarioPlayer(page, lang);
}

/** Opens /sync with the header badge link. */
export async function openSync(page, lang = 'vi') {
  await page.getByTestId('sync-badge').click();
  const sync = new SyncPage(page, lang);
  await expect(sync.root).toBeVisible();
  return sync;
}

/** Opens /history with the navigation link. */
export async function openHistory(page, lang = 'vi') {
  const history = new HistoryPage(page, lang);
  await history.nav.getByRole('link', { name: strings[lang].nav_history, exact: true }).click();
  await expect(page.getByTestId('history')).toBeVisible();
  await expect(history.table.or(history.empty)).toBeVisible();
  return history;
}
