// The learner app's first paint, written into its index.html at build time so the page shows
// the catalog before the wasm has loaded (issue 15): the header, the catalog (every field and
// entry of the compiled content/catalog.json, in Vietnamese, with plain links) and the footer,
// the same elements and classes the app renders (src/app.rs, src/components/header.rs,
// src/pages/learn/catalog.rs), so the app replaces it without a visible jump
// (src/platform/dom.rs `mount_behind_prepaint`). Every text is escaped: no markup comes from
// the content. What depends on the device (the sync badge, each entry's state) is kept in
// the layout but hidden by style/main.css until the app shows its own; on any other route, or
// when the learner chose English, public/prepaint.js marks <html> so that only a neutral shell
// shows (see README, "First paint"). No data-testid: the tests address the app alone.
// Used by scripts/build/trunk-post-build.mjs; the marker is `<!-- prepaint -->` in index.html.

export const MARKER = '<!-- prepaint -->';

/** `text` safe as HTML text or as a double-quoted attribute value. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/** The markup of the first paint, from the compiled catalog and the Vietnamese UI texts. */
export function prepaintMarkup(catalog, texts) {
  const t = (key, n) => {
    const s = texts[key];
    if (typeof s !== 'string') throw new Error(`prepaint: no UI text \`${key}\` in locales/vi.json`);
    return escapeHtml(n === undefined ? s : s.replace(/\{\{\s*n\s*\}\}/g, String(n)));
  };
  const vi = (text) => escapeHtml(text?.vi ?? '');
  const entries = Array.isArray(catalog?.entries) ? catalog.entries : [];
  const fields = (Array.isArray(catalog?.fields) ? catalog.fields : []).filter((f) => entries.some((e) => e.field === f.id));
  const kinds = { module: 'kind_module', scenario: 'kind_scenario' };
  const entry = (e) => {
    const kind = kinds[e.kind];
    if (!kind) throw new Error(`prepaint: entry ${JSON.stringify(e.id)} has an unknown kind`);
    const minutes = Number.isInteger(e.duration_min) ? e.duration_min : 0;
    return `<li class="entry" data-kind="${escapeHtml(e.kind)}">` +
      `<p class="entry-kind">${t(kind)}</p>` +
      `<h3 class="entry-title"><a href="/${escapeHtml(e.kind)}/${escapeHtml(encodeURIComponent(e.id))}">${vi(e.title)}</a></h3>` +
      `<p class="entry-summary">${vi(e.summary)}</p>` +
      `<p class="entry-meta"><span>${t('minutes', minutes)}</span>` +
      `<span class="badge badge-notstarted"><span class="sr-only">${t('state_label')}: </span>${t('state_not_started')}</span></p>` +
      '</li>';
  };
  const field = (f) => {
    const heading = `prepaint-field-${escapeHtml(f.id)}`;
    return `<section class="field" aria-labelledby="${heading}"><h2 id="${heading}" class="field-title">${vi(f.name)}</h2>` +
      `<ul class="cards">${entries.filter((e) => e.field === f.id).map(entry).join('')}</ul></section>`;
  };
  return [
    `<a class="skip-link" href="#main">${t('skip_to_content')}</a>`,
    '<header class="header"><div class="header-inner">',
    `<a href="/" aria-current="page" class="brand"><span class="brand-mark" aria-hidden="true">BD</span>` +
      `<span class="brand-text"><span class="brand-name">${t('app_name')}</span><span class="brand-tagline">${t('app_tagline')}</span></span></a>`,
    `<nav class="nav" aria-label="${t('nav_main')}">` +
      `<a href="/" aria-current="page" class="nav-link">${t('nav_catalog')}</a>` +
      `<a href="/history" class="nav-link">${t('nav_history')}</a>` +
      `<a href="/tu-danh-gia" class="nav-link">${t('nav_selfassess')}</a>` +
      `<a href="/sign-in" class="sync-badge"><span class="sync-dot" aria-hidden="true"></span>${t('badge_sign_in')}</a>` +
      // Does nothing before the app runs, so it says so; it looks the same (style/main.css).
      `<button class="lang-switch" type="button" disabled aria-label="${t('switch_language_label')}">${t('switch_language')}</button>` +
      '</nav>',
    '</div></header>',
    '<main class="main" id="main" tabindex="-1">',
    `<p class="loading prepaint-route-only" role="status">${t('loading')}</p>`,
    `<div class="page prepaint-catalog"><h1 class="page-title">${t('catalog_title')}</h1><p class="lead">${t('catalog_intro')}</p>`,
    fields.map(field).join(''),
    '</div></main>',
    `<footer class="footer"><p>${t('footer_note')}</p></footer>`,
  ].join('\n');
}

/** `html` (index.html) with the marker replaced by the first paint; unchanged without one. */
export function withPrepaint(html, catalog, texts) {
  if (!html.includes(MARKER)) return html;
  return html.replace(MARKER, () => prepaintMarkup(catalog, texts));
}

/** `html` without trunk's preloads of the app's JS glue and wasm: on a page with a first paint
 * they would share the slow link with the page's CSS before the first paint. */
export function withoutPreloads(html) {
  return html.replace(/<link rel="(?:modulepreload|preload)"[^>]*\.(?:js|wasm)"[^>]*>/g, '');
}

/** Trunk's loader (`import init, * as bindings from GLUE; const wasm = await init(ARGS);`)
 * rewritten to fetch the glue and the wasm only once the first paint is on screen (a frame,
 * then a task), or at once in a hidden tab, which paints nothing. Throws when trunk's loader
 * is not of that shape, so an upgrade cannot silently undo it. */
export function loaderAfterFirstPaint(body) {
  const shape = /import init, \* as bindings from ('[^']+');\s*const wasm = await init\(([^;]*)\);/;
  const found = shape.exec(body);
  if (!found) throw new Error('prepaint: trunk\'s loader has an unknown shape; update loaderAfterFirstPaint');
  const [, glue, args] = found;
  return body.replace(shape, () => [
    '// After the first paint (scripts/build/prepaint.mjs): the wasm does not compete with it.',
    '// A download cut by leaving the page says nothing; any other failure says so on the page',
    '// (#boot-error in index.html) instead of leaving the static catalog without its app.',
    'let leaving = false;',
    "addEventListener('beforeunload', () => { leaving = true; });",
    "addEventListener('pagehide', () => { leaving = true; });",
    'let bindings;',
    'let wasm;',
    'try {',
    '  await new Promise((resolve) => {',
    "    if (document.visibilityState === 'hidden') resolve();",
    '    else requestAnimationFrame(() => setTimeout(resolve, 0));',
    '  });',
    `  bindings = await import(${glue});`,
    `  wasm = await bindings.default(${args});`,
    '} catch (error) {',
    '  await new Promise((resolve) => setTimeout(resolve, 250));',
    '  if (!leaving) {',
    "    const note = document.getElementById('boot-error');",
    '    if (note) {',
    '      note.dataset.reason = String(error);',
    '      note.hidden = false;',
    '    }',
    '  }',
    '  // Stop here: the rest of the loader needs the app.',
    '  await new Promise(() => {});',
    '}',
  ].join('\n'));
}
