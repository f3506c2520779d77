// A fault-injecting HTTP proxy between the portal and the LRS, for tests and demos.
//
// Listens on 127.0.0.1 only and forwards to an LRS on the loopback interface. For each request
// it may, following a seeded plan:
//   pass            forward, return the LRS's answer unchanged (CORS headers included)
//   drop            close the connection without an answer (request NOT forwarded)
//   lost            forward (the LRS stores it), then close the connection without the answer
//                   Both open a short outage (`outageMs`): requests arriving meanwhile are
//                   dropped too, so a browser's silent retry of a request whose keep-alive
//                   connection died reaches the app as the network error it is.
//   delay           forward at once, hold the answer for `ms` before delivering it
//   status          answer itself: 500/503/429/401/400..., with or without CORS headers.
//                   With CORS it answers as an xAPI LRS that follows the spec would:
//                   Access-Control-Allow-Origin, Vary: Origin, X-Experience-API-Version and,
//                   with Retry-After, Access-Control-Expose-Headers: Retry-After. Without CORS
//                   it mimics Ralph's bare 500: the browser sees a network error.
// Shorthands: 'error500' (CORS), 'error500-nocors', 'error503' / 'error429' (Retry-After,
// exposed), 'unauthorized' (401 + WWW-Authenticate, CORS).
//
// Bounded: at most `maxConnections` client connections, request bodies up to `maxBodyBytes`
// (413 beyond), LRS answers up to `maxBodyBytes`, an upstream timeout (504), delays capped at
// `maxDelayMs`, a ring buffer of the last `logSize` requests. Seedable: the same seed and the
// same sequence of requests give the same faults.
//
// Module use (tests):
//   const proxy = await startFaultProxy({ port: 8110, target: 'http://127.0.0.1:8100', seed: 7 });
//   proxy.setPlan({ mode: 'schedule', sequence: chaosSequence(7), then: { rate: 0.3 } });
//   proxy.addRule({ method: 'PUT', times: 1, fault: { kind: 'status', status: 400, body: {...} } });
//   proxy.setPlan({ mode: 'pass' }); await proxy.close();
// Plans: { mode: 'pass' } | { mode: 'down' } (every request, preflights too, is dropped)
//        | { mode: 'always', fault } | { mode: 'schedule', sequence: [fault...], then: { rate, faults } }
// Faults of a plan apply to xAPI requests (paths under /xAPI/) other than CORS preflights;
// one-shot rules (addRule) are checked first and may match preflights (method: 'OPTIONS').
//
// Command line (manual testing; a control API on the same port, loopback only):
//   node tests/support/fault-proxy.mjs --port 8110 --target http://127.0.0.1:8100 [--seed N]
//        [--plan pass|down|chaos] [--rate 0.3]
//   curl -X POST 127.0.0.1:8110/__fault-proxy/plan -d '{"mode":"always","fault":"error503"}'
//   curl 127.0.0.1:8110/__fault-proxy/stats
import { createServer, request as httpRequest, Agent } from 'node:http';
import { pathToFileURL } from 'node:url';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length',
]);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
export const FAULT_KINDS = ['drop', 'lost', 'delay', 'error500', 'error500-nocors', 'error503', 'error429'];

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
export function prng(seed) {
  let a = (Number(seed) >>> 0) || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A schedule that shows every fault kind early, two at a time between successes (so the
 * client's backoff stays short), then one burst of three failures in a row (a client that
 * isolates a failing batch starts probing statement by statement). Order seeded.
 */
export function chaosSequence(seed) {
  const rand = prng(seed);
  const kinds = [...FAULT_KINDS];
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rand() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const sequence = [];
  for (let i = 0; i < kinds.length; i += 2) sequence.push(...kinds.slice(i, i + 2), 'pass');
  return [...sequence, 'drop', 'error500-nocors', 'lost', 'pass'];
}

/** Expands a shorthand into a fault object. */
export function normalizeFault(fault, { retryAfterS = 1 } = {}) {
  if (typeof fault !== 'string') return fault;
  switch (fault) {
    case 'pass':
    case 'drop':
    case 'lost':
      return { kind: fault };
    case 'delay':
      return { kind: 'delay' };
    case 'error500':
      return { kind: 'status', status: 500, cors: true, body: { detail: 'injected: internal error' } };
    case 'error500-nocors':
      return { kind: 'status', status: 500, cors: false, text: 'Internal Server Error' };
    case 'error503':
      return { kind: 'status', status: 503, cors: true, retryAfterS, body: { detail: 'injected: unavailable' } };
    case 'error429':
      return { kind: 'status', status: 429, cors: true, retryAfterS, body: { detail: 'injected: rate limited' } };
    case 'unauthorized':
      return {
        kind: 'status',
        status: 401,
        cors: true,
        headers: { 'www-authenticate': 'Basic' },
        body: { detail: 'Invalid authentication credentials' },
      };
    default:
      throw new Error(`fault-proxy: unknown fault '${fault}'`);
  }
}

function checkTarget(target) {
  const url = new URL(target);
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) {
    throw new Error(`fault-proxy: target must be http:// on the loopback interface, got ${target}`);
  }
  return url;
}

/**
 * Starts the proxy. Resolves once it listens.
 * @returns {Promise<FaultProxy>}
 */
export async function startFaultProxy({
  port = 0,
  target,
  seed = 1,
  maxConnections = 64,
  maxBodyBytes = 8 * 1024 * 1024,
  upstreamTimeoutMs = 15_000,
  delayMs = [300, 2_000],
  maxDelayMs = 10_000,
  retryAfterS = 1,
  outageMs = 300,
  logSize = 500,
  control = false,
  verbose = false,
} = {}) {
  const upstream = checkTarget(target);
  const rand = prng(seed);
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  let plan = { mode: 'pass' };
  let position = 0;
  let rules = [];
  let outageUntil = 0;
  const counts = {};
  const log = [];
  const waiters = new Set();
  const sockets = new Set();

  const bump = (name) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const record = (entry) => {
    log.push(entry);
    if (log.length > logSize) log.splice(0, log.length - logSize);
    if (verbose) console.log(`fault-proxy: ${entry.method} ${entry.path} -> ${entry.fault}${entry.status ? ` ${entry.status}` : ''}`);
    for (const w of [...waiters]) {
      if (w.match(entry)) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(entry);
      }
    }
  };

  const isXapi = (req) => (req.url ?? '').startsWith('/xAPI/');

  /** Decides the fault for one request (rules first, then the plan). */
  function decide(req) {
    for (const rule of rules) {
      if (rule.times <= 0) continue;
      if (rule.method && ![rule.method].flat().includes(req.method)) continue;
      if (rule.path && !(req.url ?? '').startsWith(rule.path)) continue;
      rule.times -= 1;
      rule.hits += 1;
      return { fault: normalizeFault(rule.fault, { retryAfterS }), rule: rule.name };
    }
    rules = rules.filter((r) => r.times > 0);
    if (plan.mode === 'down') return { fault: { kind: 'drop' } };
    if (req.method === 'OPTIONS' || !isXapi(req)) return { fault: { kind: 'pass' } };
    switch (plan.mode) {
      case 'pass':
        return { fault: { kind: 'pass' } };
      case 'always':
        return { fault: normalizeFault(plan.fault, { retryAfterS }) };
      case 'schedule': {
        const seq = plan.sequence ?? [];
        if (position < seq.length) {
          const f = seq[position];
          position += 1;
          return { fault: normalizeFault(f, { retryAfterS }) };
        }
        const { rate = 0.3, faults = FAULT_KINDS } = plan.then ?? {};
        if (rand() < rate) {
          return { fault: normalizeFault(faults[Math.floor(rand() * faults.length)], { retryAfterS }) };
        }
        return { fault: { kind: 'pass' } };
      }
      default:
        throw new Error(`fault-proxy: unknown plan mode '${plan.mode}'`);
    }
  }

  function corsHeaders(req, { expose = false } = {}) {
    const origin = req.headers.origin;
    if (!origin) return {};
    const h = {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
    if (expose) h['access-control-expose-headers'] = 'Retry-After';
    return h;
  }

  function answer(req, res, fault) {
    const headers = { 'x-experience-api-version': '1.0.3', ...(fault.headers ?? {}) };
    if (fault.retryAfterS !== undefined) headers['retry-after'] = String(fault.retryAfterS);
    if (fault.cors) Object.assign(headers, corsHeaders(req, { expose: fault.retryAfterS !== undefined }));
    let body;
    if (fault.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8';
      body = fault.text;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(fault.body ?? { detail: `injected ${fault.status}` });
    }
    headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(fault.status, headers);
    res.end(body);
  }

  /** Forwards the request; resolves with the LRS's whole answer (bounded), or rejects. */
  function forward(req, body) {
    return new Promise((resolve, reject) => {
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (!HOP_BY_HOP.has(k.toLowerCase())) headers[k] = v;
      }
      headers.host = upstream.host;
      if (body.length > 0 || !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
        headers['content-length'] = String(body.length);
      }
      const up = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port || 80,
          method: req.method,
          path: req.url,
          headers,
          agent,
          timeout: upstreamTimeoutMs,
        },
        (upRes) => {
          const chunks = [];
          let size = 0;
          upRes.on('data', (c) => {
            size += c.length;
            if (size > maxBodyBytes) {
              upRes.destroy(new Error('LRS answer too large'));
              return;
            }
            chunks.push(c);
          });
          upRes.on('end', () => resolve({ status: upRes.statusCode, headers: upRes.headers, body: Buffer.concat(chunks) }));
          upRes.on('error', reject);
        },
      );
      up.on('timeout', () => up.destroy(new Error('LRS timeout')));
      up.on('error', reject);
      up.end(body);
    });
  }

  function deliver(res, answerFromLrs) {
    if (res.destroyed || res.writableEnded) return false;
    const headers = {};
    for (const [k, v] of Object.entries(answerFromLrs.headers)) {
      if (!HOP_BY_HOP.has(k.toLowerCase())) headers[k] = v;
    }
    headers['content-length'] = String(answerFromLrs.body.length);
    res.writeHead(answerFromLrs.status, headers);
    res.end(answerFromLrs.body);
    return true;
  }

  async function handleControl(req, res, body) {
    const path = (req.url ?? '').split('?')[0];
    const json = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    try {
      if (req.method === 'GET' && path === '/__fault-proxy/stats') return json(200, api.stats());
      if (req.method === 'POST' && path === '/__fault-proxy/plan') {
        api.setPlan(JSON.parse(body.toString('utf8') || '{}'));
        return json(200, { ok: true });
      }
      if (req.method === 'POST' && path === '/__fault-proxy/rule') {
        api.addRule(JSON.parse(body.toString('utf8') || '{}'));
        return json(200, { ok: true });
      }
      return json(404, { error: 'unknown control route' });
    } catch (e) {
      return json(400, { error: String(e.message ?? e) });
    }
  }

  async function handle(req, res) {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    for await (const c of req) {
      size += c.length;
      if (size > maxBodyBytes) {
        tooLarge = true;
        break;
      }
      chunks.push(c);
    }
    const entry = { t: Date.now(), method: req.method, path: req.url, fault: 'pass', status: null, bytes: size };
    if (tooLarge) {
      entry.fault = 'too-large';
      bump('too-large');
      answer(req, res, { status: 413, cors: true, body: { detail: 'request too large for the proxy' } });
      entry.status = 413;
      record(entry);
      return;
    }
    const body = Buffer.concat(chunks);
    if (control && (req.url ?? '').startsWith('/__fault-proxy/')) {
      await handleControl(req, res, body);
      return;
    }
    if (Date.now() < outageUntil) {
      entry.fault = 'outage';
      bump('outage');
      record(entry);
      req.socket.destroy();
      return;
    }
    const { fault, rule } = decide(req);
    entry.fault = fault.kind === 'status' ? `status${fault.status}${fault.cors === false ? '-nocors' : ''}` : fault.kind;
    if (rule) entry.rule = rule;
    bump(entry.fault);
    switch (fault.kind) {
      case 'drop':
        outageUntil = Date.now() + outageMs;
        record(entry);
        req.socket.destroy();
        return;
      case 'status':
        entry.status = fault.status;
        answer(req, res, fault);
        record(entry);
        return;
      case 'pass':
      case 'lost':
      case 'delay': {
        let got;
        try {
          got = await forward(req, body);
        } catch (e) {
          entry.fault = `${entry.fault}(upstream error: ${e.message})`;
          entry.status = 504;
          answer(req, res, { status: 504, cors: true, body: { detail: `proxy: ${e.message}` } });
          record(entry);
          return;
        }
        entry.status = got.status;
        if (fault.kind === 'lost') {
          // The LRS has stored it; the client never hears so.
          outageUntil = Date.now() + outageMs;
          record(entry);
          req.socket.destroy();
          return;
        }
        if (fault.kind === 'delay') {
          const [lo, hi] = fault.ms !== undefined ? [fault.ms, fault.ms] : delayMs;
          const ms = Math.min(maxDelayMs, Math.round(lo + rand() * (hi - lo)));
          entry.delayMs = ms;
          record(entry);
          await new Promise((r) => setTimeout(r, ms));
          entry.delivered = deliver(res, got);
          return;
        }
        entry.delivered = deliver(res, got);
        record(entry);
        return;
      }
      default:
        throw new Error(`fault-proxy: unknown fault kind '${fault.kind}'`);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault-proxy: ${e.message}`);
      }
    });
  });
  server.maxConnections = maxConnections;
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket) => socket.destroy());

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;

  const api = {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    seed,
    /** Replaces the plan; a schedule starts from its first entry. */
    setPlan(next) {
      plan = typeof next === 'string' ? { mode: next } : { ...next };
      outageUntil = 0;
      if (plan.mode === 'always') plan.fault = normalizeFault(plan.fault, { retryAfterS });
      position = 0;
    },
    get plan() {
      return plan;
    },
    /**
     * A one-shot (or n-shot) rule checked before the plan: { method? (one or a list), path?
     * (prefix), times = 1, fault, name? }. Log entries of the requests it caught carry `rule`.
     */
    addRule({ method, path, times = 1, fault, name }) {
      normalizeFault(fault, { retryAfterS });
      rules.push({ method, path, times, fault, name: name ?? `rule${rules.length + 1}`, hits: 0 });
    },
    clearRules() {
      rules = [];
    },
    /** Counts per fault kind, and the recent requests (oldest first). */
    stats() {
      return { counts: { ...counts }, log: log.map((e) => ({ ...e })), plan, position };
    },
    resetStats() {
      for (const k of Object.keys(counts)) delete counts[k];
      log.length = 0;
    },
    /** Resolves with the first request entry (from now on) matching `match`; bounded by `timeout`. */
    waitFor(match, { timeout = 30_000 } = {}) {
      return new Promise((resolve, reject) => {
        const w = { match, resolve };
        w.timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fault-proxy: no matching request within ${timeout} ms`));
        }, timeout);
        waiters.add(w);
      });
    },
    async close() {
      for (const w of waiters) clearTimeout(w.timer);
      waiters.clear();
      await new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      agent.destroy();
    },
  };
  return api;
}

// ---- command line -----------------------------------------------------------------------

function parseArgs(argv) {
  const out = { port: 8110, target: 'http://127.0.0.1:8100', seed: 1, plan: 'pass', rate: 0.3 };
  for (let i = 0; i < argv.length; i += 1) {
    const [k, v] = [argv[i], argv[i + 1]];
    switch (k) {
      case '--port': out.port = Number(v); i += 1; break;
      case '--target': out.target = v; i += 1; break;
      case '--seed': out.seed = Number(v); i += 1; break;
      case '--plan': out.plan = v; i += 1; break;
      case '--rate': out.rate = Number(v); i += 1; break;
      case '-h':
      case '--help':
        console.log('usage: node tests/support/fault-proxy.mjs [--port 8110] [--target http://127.0.0.1:8100] [--seed N] [--plan pass|down|chaos] [--rate 0.3]');
        process.exit(0);
        break;
      default:
        console.error(`fault-proxy: unknown argument ${k}`);
        process.exit(64);
    }
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = parseArgs(process.argv.slice(2));
  const proxy = await startFaultProxy({ port: args.port, target: args.target, seed: args.seed, control: true, verbose: true });
  if (args.plan === 'chaos') {
    proxy.setPlan({ mode: 'schedule', sequence: chaosSequence(args.seed), then: { rate: args.rate } });
  } else {
    proxy.setPlan({ mode: args.plan });
  }
  console.log(`fault-proxy: ${proxy.url} -> ${args.target} (seed ${args.seed}, plan ${args.plan})`);
  const stop = async () => {
    await proxy.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
