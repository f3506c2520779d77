// Serves a built portal (dist/) on 127.0.0.1 with the single-page-app fallback: any path
// that is not a file gets its app's page, so /module/x can be reloaded: /trainer/… and
// /preview/… get trainer/index.html (the trainer app), anything else index.html (the learner
// app). A file's brotli or gzip copy made by the build (scripts/build/precompress.mjs) is sent when
// the browser accepts it and the copy is not older than the file. Hashed files are cached for
// a year. Every answer carries the security headers of scripts/security-headers.mjs: the
// Content-Security-Policy of the served app's page (as pinned by scripts/deploy.mjs) as a
// header with frame-ancestors 'none', Referrer-Policy, Cross-Origin-Opener-Policy, nosniff.
// Used by the serve command and by the end-to-end tests.
// Usage: node scripts/static-server.mjs DIR PORT
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { securityHeaders } from './security-headers.mjs';

const root = resolve(process.argv[2] ?? 'dist');
const port = Number(process.argv[3] ?? 8080);
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.ico': 'image/x-icon',
};

async function fileFor(urlPath) {
  const clean = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
  const path = join(root, clean);
  if (!path.startsWith(root)) return null;
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
  } catch {
    // not a file: fall through to the app shell
  }
  return null;
}

/** The page of the app that serves `urlPath` (the rule of `AppKind::of` in src/app.rs); the
 * learner app's when the trainer app is not built (`trunk build` alone). */
async function appPage(urlPath) {
  const trainer = join(root, 'trainer', 'index.html');
  if (/^\/(trainer|preview)(\/|$|\?)/.test(urlPath) && (await stat(trainer).catch(() => null))) return trainer;
  return join(root, 'index.html');
}

/** The precompressed copy of `path` to send, if the browser accepts it and it is current. */
async function encodedCopy(path, accept) {
  const source = await stat(path);
  for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
    if (!new RegExp(`\\b${encoding}\\b`).test(accept)) continue;
    try {
      const copy = await stat(path + suffix);
      if (copy.isFile() && copy.mtimeMs >= source.mtimeMs) return { encoding, path: path + suffix };
    } catch {
      // no copy of this file in this encoding
    }
  }
  return null;
}

// Read once; a deploy that rewrites the pages restarts the server. The trainer app's pages
// and files carry its own page's policy (the same as the learner's once deployed).
const security = securityHeaders(root);
const trainerSecurity = existsSync(join(root, 'trainer', 'index.html')) ? securityHeaders(root, 'trainer/index.html') : security;
const headersFor = (path) => (path.startsWith(join(root, 'trainer') + sep) ? trainerSecurity : security);

createServer(async (req, res) => {
  try {
    let path = await fileFor(req.url ?? '/');
    const isAsset = extname((req.url ?? '').split('?')[0]) !== '';
    if (!path && isAsset) {
      res.writeHead(404, { ...security, 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    path ??= await appPage(req.url ?? '/');
    const copy = await encodedCopy(path, String(req.headers['accept-encoding'] ?? ''));
    const body = await readFile(copy?.path ?? path);
    // trunk's hashed files (its hash is written without leading zeros), and content files
    // named after their content version
    const hashed = /(-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css|svg)|\.[0-9a-f]{16}\.json)$/.test(path);
    res.writeHead(200, {
      ...headersFor(path),
      'content-type': types[extname(path)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(copy ? { 'content-encoding': copy.encoding } : {}),
    });
    res.end(body);
  } catch (e) {
    res.writeHead(500, { ...security, 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(e));
  }
}).listen(port, '127.0.0.1', () => {
  console.log(`static-server: ${root} on http://127.0.0.1:${port}`);
});
