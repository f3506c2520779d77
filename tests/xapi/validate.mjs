// Runs the independent validator @learninglocker/xapi-validation over the statements that
// crates/core/tests/xapi_validation.rs writes (every kind the portal can emit):
//
//   cargo test -p boiduong-core --features compiler --test xapi_validation
//   node tests/xapi/validate.mjs [target/tmp/xapi-statements.json]
//
// Prints every warning and exits 1 if any statement has one (2 if the input or the validator
// itself is unusable).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package is CommonJS compiled from TypeScript: the function is `exports.default`,
// `(statement) => Warning[]`, an empty list meaning valid.
const validate = require('@learninglocker/xapi-validation').default;

const path = process.argv[2] ?? process.env.XAPI_STATEMENTS_OUT ?? 'target/tmp/xapi-statements.json';

function describe(w) {
  const where = Array.isArray(w.path) && w.path.length > 0 ? w.path.join('.') : '(statement)';
  const extra = ['typeName', 'type', 'keys', 'requiredValue', 'usedIfis', 'invalidComponents']
    .filter((k) => w[k] !== undefined)
    .map((k) => `${k}=${JSON.stringify(w[k])}`)
    .join(' ');
  let data = JSON.stringify(w.data);
  if (data !== undefined && data.length > 160) data = `${data.slice(0, 157)}...`;
  const nested = Array.isArray(w.warnings) ? w.warnings.map((n) => `\n      ${describe(n)}`).join('') : '';
  return `${w.constructor?.name ?? 'Warning'} at ${where}${extra ? ` (${extra})` : ''}: ${data}${nested}`;
}

// A validator that silently accepts everything (a wrong import, an API change) would make
// this script pass for nothing: it must reject a statement that is known to be broken.
const broken = {
  id: 'not-a-uuid',
  actor: { objectType: 'Agent', name: 'x' },
  verb: { id: 'answered' },
  object: { id: 'https://boiduong.example/x', definition: { interactionType: 'true-false', choices: [] } },
  result: { score: { scaled: 2 }, duration: '12 minutes' },
  timestamp: '28/11/2026',
  unknown: true,
};
if (typeof validate !== 'function' || validate(broken).length < 5) {
  console.error('the validator did not reject a known-bad statement; is @learninglocker/xapi-validation installed?');
  process.exit(2);
}

let statements;
try {
  statements = JSON.parse(readFileSync(path, 'utf8'));
} catch (e) {
  console.error(`cannot read statements from ${path}: ${e.message}`);
  console.error('run first: cargo test -p boiduong-core --features compiler --test xapi_validation');
  process.exit(2);
}
if (!Array.isArray(statements) || statements.length === 0) {
  console.error(`${path}: expected a non-empty JSON array of statements`);
  process.exit(2);
}

let bad = 0;
let total = 0;
statements.forEach((s, i) => {
  const warnings = validate(s);
  if (warnings.length === 0) return;
  bad += 1;
  total += warnings.length;
  console.log(`statement ${i} ${s.id} (${s.verb?.id} ${s.object?.id}):`);
  for (const w of warnings) console.log(`  ${describe(w)}`);
});

const kinds = new Set(statements.map((s) => `${s.verb?.id} ${s.object?.definition?.type}`));
console.log(`${statements.length} statements (${kinds.size} verb/type pairs) from ${path}: ${total} warnings in ${bad} statements`);
process.exit(bad === 0 ? 0 : 1);
