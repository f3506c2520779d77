// Serves a copy of a built portal deployed against another LRS endpoint: copies DIR to a
// temporary directory, deploys CONFIG_JSON there with that endpoint (scripts/deploy.mjs:
// config.json, connect-src pinned to the endpoint's origin), and runs
// scripts/static-server.mjs on the copy. The copy is deleted when this process ends.
// Used by the end-to-end tests (the portal against the e2e LRS, or against the fault proxy,
// with tests/e2e/config.json: authoring preview and the anonymous account on).
//
// Usage: node scripts/serve-with-config.mjs DIR PORT LRS_ENDPOINT [CONFIG_JSON]
//   (CONFIG_JSON defaults to DIR/config.json)
//   e.g. node scripts/serve-with-config.mjs dist 4174 http://127.0.0.1:8110/xAPI/ tests/e2e/config.json
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deploy } from './deploy.mjs';

const [dir, port, endpoint, configFile] = process.argv.slice(2);
if (!dir || !/^\d+$/.test(port ?? '') || !/^https?:\/\/[^/]+\/.*$/.test(endpoint ?? '')) {
  console.error('usage: node scripts/serve-with-config.mjs DIR PORT LRS_ENDPOINT [CONFIG_JSON]');
  process.exit(64);
}
const source = resolve(dir);
const copy = mkdtempSync(join(tmpdir(), 'boiduong-dist-'));
let cleaned = false;
const cleanup = () => {
  if (cleaned) return;
  cleaned = true;
  rmSync(copy, { recursive: true, force: true });
};

// Timestamps kept: the server sends a precompressed copy only if it is not older than its
// file (the deploy step makes the copies of the files it rewrites again).
cpSync(source, copy, { recursive: true, preserveTimestamps: true });
const config = JSON.parse(readFileSync(configFile ?? join(copy, 'config.json'), 'utf8'));
config.lrs_endpoint = endpoint;
try {
  deploy(copy, config);
} catch (e) {
  console.error(`serve-with-config: ${e.message}`);
  cleanup();
  process.exit(1);
}
console.log(`serve-with-config: ${source} -> ${copy}, lrs_endpoint ${endpoint}`);

const server = spawn(process.execPath, [new URL('./static-server.mjs', import.meta.url).pathname, copy, port], {
  stdio: 'inherit',
});
server.on('exit', (code, signal) => {
  cleanup();
  process.exit(code ?? (signal ? 1 : 0));
});
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => {
    server.kill('SIGTERM');
    // Bounded: the static server exits at once; do not hang on it.
    setTimeout(() => {
      server.kill('SIGKILL');
      cleanup();
      process.exit(1);
    }, 3000).unref();
  });
}
process.on('exit', cleanup);
