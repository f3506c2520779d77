// End-to-end: the learner app's first paint (issue 15). The build writes the catalog into
// index.html (scripts/build/prepaint.mjs), so the page shows it before the wasm has loaded;
// the app, mounted hidden in #app, replaces it once its own catalog has rendered, at the same
// place (no layout shift), leaving one set of landmarks. On another route, or with English
// chosen, the first paint is a neutral shell. The wasm is held back by the test (not failed)
// to look at the first paint alone. Screenshots of both states go to the test's output.
import { test, expect, axeReport } from './fixtures.mjs';
import { CatalogPage, ModulePlayer } from './pages.mjs';
import { catalog, en, text, vi } from './content.mjs';
import { prepaintMarkup } from '../../scripts/build/prepaint.mjs';

const MODULE_ID = 'tiep-nhan-ho-so-mot-cua';

/** Holds every wasm request until `release()` is called. */
async function holdWasm(page) {
  let release;
  const released = new Promise((r) => (release = r));
  await page.route(/\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });
  return () => release();
}

/** The layout shifts the page reports (Layout Instability API), summed. */
async function observeShifts(page) {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__shifts.push(e.value);
    }).observe({ type: 'layout-shift', buffered: true });
  });
  return async () => page.evaluate(() => window.__shifts.reduce((a, b) => a + b, 0));
}

/** Where the catalog's main pieces are drawn: the title, the intro and every entry's link. */
async function boxes(page) {
  return page.locator('main').evaluate((main) =>
    [...main.querySelectorAll('h1, .lead, .field-title, .entry-title a, .entry-summary')].map((el) => {
      const r = el.getBoundingClientRect();
      return { text: el.textContent, x: Math.round(r.x), y: Math.round(r.y), w: Math.round(r.width), h: Math.round(r.height) };
    }),
  );
}

for (const viewport of [{ width: 1280, height: 900 }, { width: 412, height: 823 }]) {
  // Guards a first paint that waits for the wasm, that differs from the catalog the app then
  // draws (a visible jump when it is replaced), or that stays beside the app (two headers,
  // two mains for a screen reader).
  test(`the catalog is painted before the wasm and the app takes its place without a shift (${viewport.width} px)`, async ({ page }, info) => {
    await page.setViewportSize(viewport);
    const shifts = await observeShifts(page);
    const release = await holdWasm(page);
    await page.goto('/');
    const entries = catalog().entries;
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(vi.catalog_title);
    const links = page.getByRole('main').getByRole('heading', { level: 3 }).getByRole('link');
    await expect(links).toHaveCount(entries.length);
    await expect(links.first()).toHaveText(text(entries[0].title));
    await expect(links.first()).toHaveAttribute('href', `/${entries[0].kind}/${entries[0].id}`);
    await expect(page.getByTestId('catalog')).toBeHidden();
    await expect(page.locator('#app')).toBeHidden();
    const before = await boxes(page);
    await page.screenshot({ path: info.outputPath('first-paint.png'), fullPage: false });
    expect(await axeReport(page, 'first paint'), 'axe on the first paint').toBe('');

    release();
    const app = new CatalogPage(page, 'vi');
    await app.waitReady();
    await expect(page.locator('#prepaint')).toHaveCount(0);
    await expect(page.getByRole('banner')).toHaveCount(1);
    await expect(page.getByRole('main')).toHaveCount(1);
    await expect(page.getByRole('contentinfo')).toHaveCount(1);
    await expect(page.getByRole('navigation')).toHaveCount(1);
    await expect(page.getByTestId('entry')).toHaveCount(entries.length);
    expect(await boxes(page)).toEqual(before);
    expect(await shifts(), 'layout shift when the app replaced the first paint').toBe(0);
    await page.screenshot({ path: info.outputPath('mounted.png'), fullPage: false });
  });
}

// Guards a deep link showing the catalog (a learner following a link to a module would see
// another page for seconds) and the app not replacing the neutral shell there.
test('a deep link paints a neutral shell, then the page asked for', async ({ page }, info) => {
  const release = await holdWasm(page);
  await page.goto(`/module/${MODULE_ID}`);
  await expect(page.getByRole('status')).toHaveText(vi.loading);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(0);
  await expect(page.getByRole('main').getByRole('link')).toHaveCount(0);
  await expect(page.getByRole('navigation')).toHaveCount(0);
  await page.screenshot({ path: info.outputPath('deep-link-first-paint.png') });
  release();
  const player = new ModulePlayer(page, 'vi');
  await expect(player.h1).toHaveText(text(catalog().entries.find((e) => e.id === MODULE_ID).title));
  await expect(page.locator('#prepaint')).toHaveCount(0);
  await expect(page.getByRole('main')).toHaveCount(1);
});

// Guards a learner who chose English seeing the Vietnamese catalog before the app switches.
test('with English chosen the first paint shows no Vietnamese text', async ({ page }) => {
  await page.goto('/');
  await new CatalogPage(page, 'vi').waitReady();
  await page.evaluate(() => localStorage.setItem('boiduong.lang', 'en'));
  const release = await holdWasm(page);
  await page.reload();
  await expect(page.locator('#prepaint')).toHaveCount(1);
  await expect(page.getByText(vi.catalog_title)).toBeHidden();
  await expect(page.getByText(vi.app_name)).toBeHidden();
  await expect(page.getByRole('main').getByRole('link')).toHaveCount(0);
  release();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en.catalog_title);
  await expect(page.locator('#prepaint')).toHaveCount(0);
});

// Guards content text turning into markup in the first paint (a title with a tag or a quote
// in the compiled catalog): the build writes it as text.
test('the first paint writes content as text, never as markup', async ({ page }) => {
  const hostile = '<img src=x onerror="window.__pwned=1">"\'&';
  const markup = prepaintMarkup(
    {
      fields: [{ id: 'f"><b>x', name: { vi: hostile } }],
      entries: [{ kind: 'module', id: 'a"b<c', field: 'f"><b>x', title: { vi: hostile }, summary: { vi: hostile }, duration_min: 5 }],
    },
    vi,
  );
  await page.setContent(`<!DOCTYPE html><html lang="vi"><body>${markup}</body></html>`);
  await expect(page.locator('img, b, script')).toHaveCount(0);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(hostile);
  await expect(page.getByRole('heading', { level: 3 })).toHaveText(hostile);
  await expect(page.getByRole('heading', { level: 3 }).getByRole('link')).toHaveAttribute('href', '/module/a%22b%3Cc');
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});

// Guards the page error a download cut by leaving the page raised ("Failed to fetch": the
// loader fetches the wasm after the first paint, so a quick reload or link lands while it
// downloads), and a message shown for it.
test('leaving the page while the wasm downloads says nothing, on the page or in the console', async ({ page }) => {
  // the wasm's download is held, never answered: the next navigation cuts it
  const held = [];
  await page.route(/\.wasm$/, (route) => held.push(route));
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(vi.catalog_title);
  await expect.poll(() => held.length, 'the wasm is downloading').toBeGreaterThan(0);
  await page.unroute(/\.wasm$/);
  await page.reload();
  const app = new CatalogPage(page, 'vi');
  await app.waitReady();
  await expect(page.locator('#boot-error')).toBeHidden();
  // the guard fixture fails the test on any page error or console message
});

// Guards a page left on its static catalog, without its app and without a word, when the
// wasm cannot be fetched (a server or proxy error, a cache without it).
test('a wasm that cannot be fetched is said on the page, in both languages', async ({ page, guard }) => {
  await page.route(/\.wasm$/, (route) => route.abort('failed'));
  await page.goto('/');
  const note = page.getByRole('alert');
  await expect(note).toBeVisible();
  await expect(note).toContainText('Không tải được cổng học tập');
  await expect(note).toContainText('The portal could not be loaded');
  await expect(page.locator('#boot-error')).toHaveAttribute('data-reason', /.+/);
  // the static catalog stays readable under it
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(vi.catalog_title);
  // the one console line: Chromium's own for the refused download (no page error)
  const failed = guard.takeProblems(/^console\.error .*Failed to load resource: net::ERR_FAILED .*\.wasm/);
  expect(failed, 'the refused download, logged by the browser').toHaveLength(1);
});
