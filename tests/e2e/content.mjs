// The content the built portal serves (dist/content), read straight from disk, so the tests
// answer and walk the same compiled JSON the browser fetches: right answers, option texts,
// where each scenario choice leads, which choice was best. Also the UI strings (locales/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const DIST_CONTENT = join(ROOT, 'dist', 'content');

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export const vi = readJson(join(ROOT, 'locales', 'vi.json'));
export const en = readJson(join(ROOT, 'locales', 'en.json'));
export const strings = { vi, en };

/** `fill('Bài {{ n }}/{{ total }}', { n: 1, total: 4 })` -> 'Bài 1/4' (as src/i18n.rs does). */
export function fill(template, values) {
  return Object.entries(values).reduce((s, [k, v]) => s.replaceAll(`{{ ${k} }}`, String(v)), template);
}

export function catalog() {
  return readJson(join(DIST_CONTENT, 'catalog.json'));
}

function entry(kind, id) {
  const e = catalog().entries.find((x) => x.kind === kind && x.id === id);
  if (!e) throw new Error(`no ${kind} ${id} in dist/content/catalog.json (is dist built?)`);
  return e;
}

/** A text in a language, with the player's fallback to Vietnamese. */
export function text(t, lang = 'vi') {
  if (t == null) return '';
  if (typeof t === 'string') return t;
  return t[lang] ?? t.vi;
}

/** The trainer-facing facts (basis, reviewed) of a module or scenario, from meta.json. */
export function contentMeta(kind, id) {
  return readJson(join(DIST_CONTENT, 'meta.json')).entries.find((m) => m.kind === kind && m.id === id);
}

export function catalogIds(kind) {
  return catalog().entries.filter((e) => e.kind === kind).map((e) => e.id);
}

export function loadModule(id) {
  return readJson(join(DIST_CONTENT, entry('module', id).file));
}

export function loadScenario(id) {
  return readJson(join(DIST_CONTENT, entry('scenario', id).file));
}

export function competencyName(id, lang = 'vi') {
  const c = catalog().competencies.find((x) => x.id === id);
  return c ? text(c.name, lang) : id;
}

/** The kind of an item from its compiled answer: { single: "b" } -> "single". */
export function itemKind(item) {
  return Object.keys(item.answer)[0];
}

/** The correct answer of an item, as { kind, value }. */
export function correctAnswer(item) {
  const kind = itemKind(item);
  return { kind, value: item.answer[kind] };
}

/** A wrong answer for a single or true/false item (to check scoring and feedback). */
export function wrongAnswer(item) {
  const { kind, value } = correctAnswer(item);
  if (kind === 'single') return { kind, value: item.options.find((o) => o.id !== value).id };
  if (kind === 'true_false') return { kind, value: !value };
  throw new Error(`wrongAnswer: not implemented for ${kind}`);
}

// ---- scenarios ---------------------------------------------------------------------------

const total = (choice) => Object.values(choice.scores ?? {}).reduce((a, b) => a + b, 0);

function holds(when, scores) {
  return when.all.every(({ subject, op, value }) => {
    const left = subject === 'total'
      ? Object.values(scores).reduce((a, b) => a + b, 0)
      : scores[subject] ?? 0;
    return { '>=': left >= value, '<=': left <= value, '>': left > value, '<': left < value, '==': left === value }[op];
  });
}

export function node(scenario, id) {
  const n = scenario.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in scenario ${scenario.id}`);
  return n;
}

export function choice(scenario, nodeId, choiceId) {
  const c = node(scenario, nodeId).choices.find((x) => x.id === choiceId);
  if (!c) throw new Error(`no choice ${choiceId} at node ${scenario.id}/${nodeId}`);
  return c;
}

/**
 * Walks a scenario by choice ids, as the engine in crates/core does (branches on the scores
 * after the choice, first that holds wins). Returns one step per choice: where it was taken,
 * where it led, and whether a better (higher total) choice existed at that node.
 */
export function walk(scenario, choiceIds) {
  const scores = {};
  let at = scenario.start;
  return choiceIds.map((cid) => {
    const n = node(scenario, at);
    const c = choice(scenario, at, cid);
    for (const [k, d] of Object.entries(c.scores ?? {})) scores[k] = (scores[k] ?? 0) + d;
    const branch = (c.branches ?? []).find((b) => holds(b.when, scores));
    const to = branch ? branch.to : c.to;
    const best = n.choices.reduce((b, x) => (total(x) > total(b) ? x : b));
    const step = { node: at, choice: c, to, better: total(best) > total(c) ? best : null };
    at = to;
    return step;
  });
}
