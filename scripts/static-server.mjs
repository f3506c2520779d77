// Serves a built portal (dist/) on 127.0.0.1 with the single-page-app fallback: any path
// that is not a file gets index.html, so /module/x can be reloaded. Every answer carries the
// security headers of scripts/security-headers.mjs: the Content-Security-Policy of the
// served index.html (as pinned by scripts/deploy.mjs) as a header with frame-ancestors
// 'none', Referrer-Policy, Cross-Origin-Opener-Policy, nosniff. Used by the serve command and
// by the end-to-end tests. Usage: node scripts/static-server.mjs DIR PORT
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
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

// Read once; a deploy that rewrites index.html restarts the server.
const security = securityHeaders(root);

createServer(async (req, res) => {
  try {
    let path = await fileFor(req.url ?? '/');
    const isAsset = extname((req.url ?? '').split('?')[0]) !== '';
    if (!path && isAsset) {
      res.writeHead(404, { ...security, 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    path ??= join(root, 'index.html');
    const body = await readFile(path);
    const hashed = /-[0-9a-f]{16}(_bg)?\.(js|wasm|css|svg)$/.test(path);
    res.writeHead(200, {
      ...security,
      'content-type': types[extname(path)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(body);
  } catch (e) {
    res.writeHead(500, { ...security, 'content-type': 'text/plain; charset=utf-8' });
    res.end(String(e));
  }
}).listen(port, '127.0.0.1', () => {
  console.log(`static-server: ${root} on http://127.0.0.1:${port}`);
});
