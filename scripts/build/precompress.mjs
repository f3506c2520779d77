// Writes brotli (quality 11) and gzip (level 9) copies beside every compressible file of a
// build (FILE.br, FILE.gz), for scripts/static-server.mjs (or nginx's brotli_static and
// gzip_static) to serve to browsers that accept them. config.json is left out: a deployment
// edits it without a rebuild. A copy that would not be smaller is not written. Run by
// scripts/build.sh last (after the service worker); scripts/deploy.mjs makes the copies of
// the files it rewrites again (writeCopies).
// Usage: node scripts/build/precompress.mjs DIR
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const COMPRESSIBLE = /\.(html|js|mjs|wasm|css|json|svg|webmanifest|txt)$/;
const SKIP = new Set(['config.json']);

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    const p = join(d, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/**
 * Writes `path`'s brotli and gzip copies (each only if smaller; a stale one is removed).
 * Returns [raw bytes, brotli bytes or raw if not smaller].
 */
export function writeCopies(path) {
  const body = readFileSync(path);
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_LGWIN]: 24,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gzip = gzipSync(body, { level: 9 });
  for (const [copy, suffix] of [[brotli, '.br'], [gzip, '.gz']]) {
    if (copy.length < body.length) writeFileSync(path + suffix, copy);
    else if (existsSync(path + suffix)) unlinkSync(path + suffix);
  }
  return [body.length, Math.min(brotli.length, body.length)];
}

function main(dir) {
  if (!dir) {
    console.error('usage: node scripts/build/precompress.mjs DIR');
    process.exit(64);
  }
  let count = 0;
  let raw = 0;
  let br = 0;
  // Copies from an earlier run go first (stale, or their file is gone); made again below.
  for (const path of walk(dir)) if (/\.(br|gz)$/.test(path)) unlinkSync(path);
  for (const path of walk(dir)) {
    if (!COMPRESSIBLE.test(path) || SKIP.has(relative(dir, path))) continue;
    const [r, b] = writeCopies(path);
    count += 1;
    raw += r;
    br += b;
  }
  console.log(`precompress: ${count} files, ${raw} B -> ${br} B brotli`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv[2]);
