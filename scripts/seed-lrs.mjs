// Posts a file of xAPI statements to an LRS in batches of 100 (the demo seed of the trainer
// review; the e2e and the browser benchmark use it too):
//
//   cargo run -p boiduong-core --features compiler --bin boiduong-synth -- \
//       --learners 40 --class QLNN-2026-01 --seed 1 > statements.json
//   node scripts/seed-lrs.mjs statements.json http://127.0.0.1:8100/xAPI hocvien1:hocvien1-pass
//
// FILE holds a JSON array of statements or an LRS page {"statements": [...]} (the review
// benchmark's --out). Each batch is POSTed to ENDPOINT/statements with HTTP Basic auth and
// X-Experience-API-Version: 1.0.3. Statement ids are client-made (derived), so a re-run is
// idempotent: the LRS answers 204/200 for statements it already has with the same body.
// Network errors, 429 and 5xx are retried (at most 5 tries per batch, backing off, honouring
// Retry-After); any other 4xx is a rejection of the whole batch, reported and not retried.
// 401/403 or an LRS still unreachable after the retries stop the run.
// Prints counts; exits 1 if any batch was not stored, 2 on bad arguments or input.
import { readFileSync } from 'node:fs';

const BATCH = 100;
const TRIES = 5;

const [file, endpoint, credentials] = process.argv.slice(2);
if (!file || !endpoint || !credentials || !credentials.includes(':')) {
  console.error('usage: node scripts/seed-lrs.mjs FILE http://127.0.0.1:8100/xAPI USER:PASS');
  process.exit(2);
}

let statements;
try {
  const parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  statements = Array.isArray(parsed) ? parsed : parsed?.statements;
  if (!Array.isArray(statements)) throw new Error('neither a JSON array nor {"statements": [...]}');
} catch (e) {
  console.error(`seed-lrs: cannot read ${file}: ${e.message}`);
  process.exit(2);
}

const url = `${endpoint.replace(/\/+$/, '')}/statements`;
const headers = {
  'Content-Type': 'application/json',
  'X-Experience-API-Version': '1.0.3',
  Authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One batch: {ok, status, detail, tries}. */
async function post(batch) {
  let last = { ok: false, status: 0, detail: 'not sent' };
  for (let attempt = 1; attempt <= TRIES; attempt += 1) {
    let wait = 250 * 2 ** (attempt - 1);
    try {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(batch) });
      const body = await res.text();
      if (res.ok) return { ok: true, status: res.status, tries: attempt };
      last = { ok: false, status: res.status, detail: body.slice(0, 300), tries: attempt };
      if (res.status !== 429 && res.status < 500) return last; // a rejection: retrying won't help
      const retryAfter = Number(res.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) wait = Math.min(retryAfter * 1000, 30_000);
    } catch (e) {
      last = { ok: false, status: 0, detail: String(e.cause?.code ?? e.message), tries: attempt };
    }
    if (attempt < TRIES) await sleep(wait);
  }
  return last;
}

const started = Date.now();
let stored = 0;
let retried = 0;
const failures = [];
for (let i = 0; i < statements.length; i += BATCH) {
  const batch = statements.slice(i, i + BATCH);
  const r = await post(batch);
  if (r.tries > 1) retried += 1;
  if (r.ok) {
    stored += batch.length;
  } else {
    failures.push({ from: i, count: batch.length, status: r.status, detail: r.detail });
    console.error(`seed-lrs: batch at ${i} (${batch.length}) not stored: ${r.status || 'network'} ${r.detail}`);
    // Wrong credentials or an LRS that stays unreachable fail every batch alike: stop.
    if (r.status === 0 || r.status === 401 || r.status === 403) {
      console.error('seed-lrs: giving up (credentials refused or LRS unreachable)');
      break;
    }
  }
}
const seconds = (Date.now() - started) / 1000;
const batches = Math.ceil(statements.length / BATCH);
console.log(
  `seed-lrs: ${stored} of ${statements.length} statements stored in ${batches} batches ` +
    `(${failures.length} failed, ${retried} retried) to ${url} in ${seconds.toFixed(1)} s`,
);
process.exit(failures.length > 0 ? 1 : 0);
