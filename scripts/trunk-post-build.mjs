// Trunk post-build hook: moves trunk's inline module loader into its own file, so the
// Content-Security-Policy can forbid inline scripts ('unsafe-inline'), and fails the build if
// any inline script remains.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('trunk-post-build: TRUNK_STAGING_DIR is not set (run by trunk only)');
  process.exit(1);
}
const indexPath = join(dir, 'index.html');
let html = readFileSync(indexPath, 'utf8');
const inline = /<script type="module"(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;
let moved = 0;
html = html.replace(inline, (_all, body) => {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `boot-${hash}.js`;
  writeFileSync(join(dir, name), body.trim() + '\n');
  moved += 1;
  return `<script type="module" src="/${name}"></script>`;
});
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error('trunk-post-build: an inline <script> remains; the CSP would block it');
  process.exit(1);
}
writeFileSync(indexPath, html);
console.log(`trunk-post-build: moved ${moved} inline loader script(s) to files`);

// Service worker: the list of every file of this build (app shell, content, icons) and a
// version derived from their contents, so each build is a new worker with a new cache.
function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const files = walk(dir)
  .map((p) => '/' + relative(dir, p).split('\\').join('/'))
  .filter((p) => p !== '/sw.js' && !p.startsWith('/.'))
  .sort();
const version = createHash('sha256');
for (const f of files) version.update(f).update(readFileSync(join(dir, f)));
const precache = ['/', ...files];
const template = readFileSync(new URL('./sw-template.js', import.meta.url), 'utf8');
writeFileSync(
  join(dir, 'sw.js'),
  `const VERSION = ${JSON.stringify(version.digest('hex').slice(0, 16))};\n` +
    `const PRECACHE = ${JSON.stringify(precache)};\n` + template,
);
console.log(`trunk-post-build: sw.js precaches ${precache.length} files`);
