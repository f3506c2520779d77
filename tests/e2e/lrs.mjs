// Reading the e2e LRS (Ralph) the way a trainer's tool would, and the learner's own copy of
// every statement in the portal's IndexedDB, to compare the two exactly.
import { expect } from '@playwright/test';
import { LRS_URL, TRAINER } from './env.mjs';

/** Fields the LRS adds to a statement it stores (xAPI 1.0.3 §2.4.8–2.4.10). */
export const LRS_ADDED = ['stored', 'authority', 'version'];

export function basicAuth(user) {
  return `Basic ${Buffer.from(`${user.account}:${user.password}`, 'utf8').toString('base64')}`;
}

/**
 * GET /xAPI/statements with `filters` (agent objects are JSON-encoded; `limit` is the page
 * size), as `user`, following `more` until the end. Returns every statement. Bounded: at most
 * `maxPages` pages; `onPage()` is called once per page read.
 */
export async function getStatements(filters = {}, { as = TRAINER, maxPages = 200, onPage = () => {} } = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) {
    params.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  let url = new URL(`/xAPI/statements?${params}`, LRS_URL);
  const out = [];
  for (let page = 0; page < maxPages; page += 1) {
    const res = await fetch(url, {
      headers: { Authorization: basicAuth(as), 'X-Experience-API-Version': '1.0.3' },
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${url} as ${as.account}: ${res.status} ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    onPage();
    out.push(...body.statements);
    if (!body.more) return out;
    // Ralph answers a relative URL; an absolute one is allowed by the spec too.
    url = new URL(body.more, LRS_URL);
  }
  throw new Error(`GET statements: more than ${maxPages} pages`);
}

/** POST /xAPI/statements (one batch) as `as`; returns the HTTP status and the body text. */
export async function postStatements(statements, { as }) {
  const res = await fetch(new URL('/xAPI/statements', LRS_URL), {
    method: 'POST',
    headers: {
      Authorization: basicAuth(as),
      'Content-Type': 'application/json',
      'X-Experience-API-Version': '1.0.3',
    },
    body: JSON.stringify(statements),
  });
  return { status: res.status, text: await res.text() };
}

/** The statements of the given registrations (attempt ids), as `as` sees them. */
export async function statementsOfRegistrations(registrations, { as = TRAINER, limit, onPage } = {}) {
  const all = [];
  for (const registration of registrations) {
    const filters = limit ? { registration, limit: String(limit) } : { registration };
    all.push(...(await getStatements(filters, { as, onPage })));
  }
  return all;
}

/** A statement as the client sent it: the LRS's own additions removed. */
export function withoutLrsFields(statement) {
  const copy = structuredClone(statement);
  for (const k of LRS_ADDED) delete copy[k];
  return copy;
}

/**
 * The learner's own copy of every statement, read with the raw IndexedDB API from the
 * portal's database `boiduong`, store `statements`: records { id, attempt_id, order, body }.
 * Never creates the database (an open that would create it is aborted and gives []).
 */
export async function localStatements(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('boiduong');
        let created = false;
        open.onupgradeneeded = () => {
          created = true;
          open.transaction.abort();
        };
        open.onerror = () => (created ? resolve([]) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('statements')) {
            db.close();
            resolve([]);
            return;
          }
          const req = db.transaction('statements', 'readonly').objectStore('statements').getAll();
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => {
            db.close();
            reject(req.error);
          };
        };
      }),
  );
}

/** Record counts per object store of the portal's database (for "nothing stored"). */
export async function localStoreCounts(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('boiduong');
        let created = false;
        open.onupgradeneeded = () => {
          created = true;
          open.transaction.abort();
        };
        open.onerror = () => (created ? resolve({}) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          if (names.length === 0) {
            db.close();
            resolve({});
            return;
          }
          const tx = db.transaction(names, 'readonly');
          const counts = {};
          for (const n of names) {
            const r = tx.objectStore(n).count();
            r.onsuccess = () => {
              counts[n] = r.result;
            };
          }
          tx.oncomplete = () => {
            db.close();
            resolve(counts);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/**
 * Asserts that the LRS holds exactly the learner's statements for their registrations: every
 * id once, with content identical to the local copy (minus `stored`, `authority`, `version`),
 * and nothing else under those registrations. `local` are IndexedDB records. Reads in pages
 * of `pageSize` (small, so `more` is followed). Returns { registrations, pages }.
 */
export async function expectLrsHoldsExactly(all, { as = TRAINER, label = 'LRS', pageSize = 10 } = {}) {
  // Joining a class belongs to no attempt (no registration): each is read back by its id.
  const isJoined = (r) => JSON.parse(r.body).verb.id === 'http://activitystrea.ms/join';
  for (const r of all.filter(isJoined)) {
    const remote = await getStatements({ statementId: r.id }, { as });
    expect(remote.map(withoutLrsFields), `${label}: the joined statement ${r.id} as stored`).toEqual([JSON.parse(r.body)]);
  }
  const local = all.filter((r) => !isJoined(r));
  expect(local.length, 'the learner has statements to compare').toBeGreaterThan(0);
  const registrations = [...new Set(local.map((r) => r.attempt_id))].sort();
  const expected = new Map();
  for (const r of local) {
    const body = JSON.parse(r.body);
    expect(body.id, 'record id is the statement id').toBe(r.id);
    expect(body.context?.registration, 'statement registration is its attempt id').toBe(r.attempt_id);
    expect(expected.has(r.id), `statement ${r.id} is stored once locally`).toBe(false);
    expected.set(r.id, body);
  }
  let pages = 0;
  const remote = await statementsOfRegistrations(registrations, { as, limit: pageSize, onPage: () => (pages += 1) });
  const seen = new Map();
  for (const s of remote) seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
  const duplicated = [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
  const missing = [...expected.keys()].filter((id) => !seen.has(id));
  const extra = [...seen.keys()].filter((id) => !expected.has(id));
  expect({ missing, extra, duplicated }, `${label}: statement ids for registrations ${registrations.join(', ')}`).toEqual({
    missing: [],
    extra: [],
    duplicated: [],
  });
  for (const s of remote) {
    expect(withoutLrsFields(s), `${label}: statement ${s.id} as stored`).toEqual(expected.get(s.id));
  }
  return { registrations, pages };
}
