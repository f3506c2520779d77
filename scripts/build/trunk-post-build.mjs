// Trunk post-build hook (both apps): moves trunk's inline module loader into its own file, so
// the Content-Security-Policy can forbid inline scripts ('unsafe-inline'), and fails the build
// if any inline script remains. The file is served from the app's public URL (`/` for the
// learner app, `/trainer/` for the trainer app). In the learner app's page (the one with the
// `<!-- prepaint -->` marker) it first writes the first paint made from the compiled catalog
// and makes the loader wait for it (scripts/build/prepaint.mjs). The service worker is written once both
// apps are built (scripts/build/make-sw.mjs, run by scripts/build.sh).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKER, loaderAfterFirstPaint, withPrepaint, withoutPreloads } from './prepaint.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('trunk-post-build: TRUNK_STAGING_DIR is not set (run by trunk only)');
  process.exit(1);
}
const base = (process.env.TRUNK_PUBLIC_URL || '/').replace(/\/?$/, '/');
const indexPath = join(dir, 'index.html');
let html = readFileSync(indexPath, 'utf8');
const firstPaint = html.includes(MARKER);
if (firstPaint) {
  const catalog = JSON.parse(readFileSync(join(dir, 'content', 'catalog.json'), 'utf8'));
  const texts = JSON.parse(readFileSync(new URL('../../locales/vi.json', import.meta.url), 'utf8'));
  html = withoutPreloads(withPrepaint(html, catalog, texts));
  console.log(`trunk-post-build: first paint of ${catalog.entries.length} catalog entries written`);
}
const inline = /<script type="module"(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;
let moved = 0;
html = html.replace(inline, (_all, script) => {
  const body = firstPaint ? loaderAfterFirstPaint(script) : script;
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `boot-${hash}.js`;
  writeFileSync(join(dir, name), body.trim() + '\n');
  moved += 1;
  return `<script type="module" src="${base}${name}"></script>`;
});
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error('trunk-post-build: an inline <script> remains; the CSP would block it');
  process.exit(1);
}
writeFileSync(indexPath, html);
console.log(`trunk-post-build: moved ${moved} inline loader script(s) to files`);
