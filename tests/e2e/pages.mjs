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
