// Posts a file of xAPI statements to an LRS in batches of 100 (the demo seed of the trainer
// review; the e2e uses it too):
//
//   cargo run -p boiduong-core --features compiler --bin boiduong-synth -- \
//       --learners 40 --class QLNN-2026-01 --seed 1 > statements.json
//   node scripts/lrs/seed-lrs.mjs statements.json http://127.0.0.1:8100/xAPI --as-authority
//   node scripts/lrs/seed-lrs.mjs statements.json http://127.0.0.1:8100/xAPI hocvien1:hocvien1-pass
//
// FILE holds a JSON array of statements or an LRS page {"statements": [...]} (the review
// benchmark's --out). With --as-authority each statement is posted by the account its
// `authority` names (boiduong-synth writes the learner's own; the password is
// `<account>-pass`, as scripts/lrs/start.sh --simulated makes them), without that
// `authority`, which the LRS sets from the account that posts: so each simulated learner's
// statements are their own, as the trainer review requires. With USER:PASS every statement
// is posted by that one account. Each batch is POSTed to ENDPOINT/statements with HTTP Basic
// auth and X-Experience-API-Version: 1.0.3. Statement ids are client-made (derived), so a re-run is
// idempotent: the LRS answers 204/200 for statements it already has with the same body.
// Network errors, 429 and 5xx are retried (at most 5 tries per batch, backing off, honouring
// Retry-After); any other 4xx is a rejection of the whole batch, reported and not retried.
// 401/403 or an LRS still unreachable after the retries stop the run.
// Prints counts; exits 1 if any batch was not stored, 2 on bad arguments or input.
import { readFileSync } from 'node:fs';

const BATCH = 100;
const TRIES = 5;

const [file, endpoint, credentials] = process.argv.slice(2);
const byAuthority = credentials === '--as-authority';
if (!file || !endpoint || !credentials || !(byAuthority || credentials.includes(':'))) {
  console.error('usage: node scripts/lrs/seed-lrs.mjs FILE http://127.0.0.1:8100/xAPI (USER:PASS | --as-authority)');
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

/** Statements by the credentials that post them, in file order within each account. */
const posters = new Map();
for (const [i, s] of statements.entries()) {
  let who = credentials;
  let body = s;
  if (byAuthority) {
    const name = s?.authority?.account?.name;
    if (typeof name !== 'string' || name === '') {
      console.error(`seed-lrs: statement ${i} (${s?.id}) has no authority account to post it with`);
      process.exit(2);
    }
    who = `${name}:${name}-pass`;
    body = { ...s };
    delete body.authority;
  }
  if (!posters.has(who)) posters.set(who, []);
  posters.get(who).push(body);
}

const url = `${endpoint.replace(/\/+$/, '')}/statements`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One batch posted by `who` (USER:PASS): {ok, status, detail, tries}. */
async function post(who, batch) {
  const headers = {
    'Content-Type': 'application/json',
    'X-Experience-API-Version': '1.0.3',
    Authorization: `Basic ${Buffer.from(who).toString('base64')}`,
  };
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
let batches = 0;
const failures = [];
posting: for (const [who, mine] of posters) {
  const account = who.slice(0, who.indexOf(':'));
  for (let i = 0; i < mine.length; i += BATCH) {
    const batch = mine.slice(i, i + BATCH);
    batches += 1;
    const r = await post(who, batch);
    if (r.tries > 1) retried += 1;
    if (r.ok) {
      stored += batch.length;
    } else {
      failures.push({ account, from: i, count: batch.length, status: r.status, detail: r.detail });
      console.error(`seed-lrs: ${account}'s batch at ${i} (${batch.length}) not stored: ${r.status || 'network'} ${r.detail}`);
      // Wrong credentials or an LRS that stays unreachable fail every batch alike: stop.
      if (r.status === 0 || r.status === 401 || r.status === 403) {
        console.error(`seed-lrs: giving up (${r.status ? `account ${account} refused` : 'LRS unreachable'})`);
        break posting;
      }
    }
  }
}
const seconds = (Date.now() - started) / 1000;
console.log(
  `seed-lrs: ${stored} of ${statements.length} statements stored in ${batches} batches by ` +
    `${posters.size} account(s) (${failures.length} failed, ${retried} retried) to ${url} in ${seconds.toFixed(1)} s`,
);
process.exit(failures.length > 0 ? 1 : 0);
