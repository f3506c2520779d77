// Writes DIR/sw.js, the one service worker of both apps: the list of every file of the build
// (the learner app at /, the trainer app at /trainer/, content, icons) and a version derived
// from their contents, so each build is a new worker with a new cache. Run by
// scripts/build.sh after both apps are built (and by the update test on its copy).
// Precompressed copies (.br, .gz) are not listed: the browser asks for the file itself and
// the server picks the encoding. Usage: node scripts/build/make-sw.mjs DIR
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/build/make-sw.mjs DIR');
  process.exit(64);
}

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const files = walk(dir)
  .map((p) => '/' + relative(dir, p).split('\\').join('/'))
  .filter((p) => p !== '/sw.js' && !p.includes('/.') && !/\.(br|gz)$/.test(p))
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
console.log(`make-sw: sw.js precaches ${precache.length} files`);
