// Serves a copy of a built portal whose config.json points at another LRS endpoint: copies
// DIR to a temporary directory, rewrites config.json's lrs_endpoint, and runs
// scripts/static-server.mjs on the copy. The copy is deleted when this process ends.
// Used by the end-to-end tests (the portal against the e2e LRS, or against the fault proxy).
//
// Usage: node scripts/serve-with-config.mjs DIR PORT LRS_ENDPOINT
//   e.g. node scripts/serve-with-config.mjs dist 4174 http://127.0.0.1:8110/xAPI/
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [dir, port, endpoint] = process.argv.slice(2);
if (!dir || !/^\d+$/.test(port ?? '') || !/^https?:\/\/[^/]+\/.*$/.test(endpoint ?? '')) {
  console.error('usage: node scripts/serve-with-config.mjs DIR PORT LRS_ENDPOINT');
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

// Timestamps kept: the server sends a precompressed copy only if it is not older than its file.
cpSync(source, copy, { recursive: true, preserveTimestamps: true });
const configPath = join(copy, 'config.json');
const config = JSON.parse(readFileSync(configPath, 'utf8'));
config.lrs_endpoint = endpoint;
writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
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
