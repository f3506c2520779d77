// Writes brotli (quality 11) and gzip (level 9) copies beside every compressible file of a
// build (FILE.br, FILE.gz), for scripts/static-server.mjs to serve to browsers that accept
// them. config.json is left out: a deployment edits it without a rebuild. A copy that would
// not be smaller is not written. Run by scripts/build.sh last (after the service worker).
// Usage: node scripts/precompress.mjs DIR
import { readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/precompress.mjs DIR');
  process.exit(64);
}
const COMPRESSIBLE = /\.(html|js|mjs|wasm|css|json|svg|webmanifest|txt)$/;
const SKIP = new Set(['config.json']);

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let count = 0;
let raw = 0;
let br = 0;
// Copies from an earlier run go first (stale, or their file is gone); made again below.
for (const path of walk(dir)) if (/\.(br|gz)$/.test(path)) unlinkSync(path);
for (const path of walk(dir)) {
  if (!COMPRESSIBLE.test(path) || SKIP.has(relative(dir, path))) continue;
  const body = readFileSync(path);
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gzip = gzipSync(body, { level: 9 });
  if (brotli.length < body.length) writeFileSync(`${path}.br`, brotli);
  if (gzip.length < body.length) writeFileSync(`${path}.gz`, gzip);
  count += 1;
  raw += body.length;
  br += Math.min(brotli.length, body.length);
}
console.log(`precompress: ${count} files, ${raw} B -> ${br} B brotli`);
