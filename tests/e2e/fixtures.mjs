// Shared fixtures: every test runs with a guard that fails it on a console error or warning,
// an uncaught page error or a Content-Security-Policy violation; plus the axe check and the
// keyboard helper used by the specs.
import { test as base, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** The one tolerated console message: Chromium ignores `integrity` on the wasm preload. */
const TOLERATED = [/The `integrity` attribute is currently ignored for preload destinations/];

export const test = base.extend({
  guard: [
    async ({ page }, use) => {
      const problems = [];
      const csp = [];
      /** Attaches the guard to a page (the test's `page`, and any page a test opens itself). */
      async function watch(p) {
        p.on('console', (m) => {
          if (m.type() !== 'error' && m.type() !== 'warning') return;
          const t = m.text();
          if (m.type() === 'warning' && TOLERATED.some((re) => re.test(t))) return;
          const at = m.location();
          problems.push(`console.${m.type()} on ${p.url()}: ${t}${at.url ? ` (${at.url}:${at.lineNumber})` : ''}`);
        });
        p.on('pageerror', (e) => problems.push(`pageerror on ${p.url()}: ${e.message}`));
        // Reported by the page itself, so a violation is seen even if Chromium stops logging it.
        await p.exposeFunction('__e2eCspViolation', (v) => csp.push(v));
        await p.addInitScript(() => {
          document.addEventListener('securitypolicyviolation', (e) => {
            window.__e2eCspViolation({
              directive: e.effectiveDirective,
              blocked: e.blockedURI,
              source: `${e.sourceFile}:${e.lineNumber}`,
              sample: e.sample,
              page: location.pathname,
            });
          });
        });
      }
      await watch(page);
      const guard = {
        problems,
        csp,
        watch,
        /** Takes the CSP violations seen so far (for a test that provokes one on purpose). */
        takeCsp() {
          return csp.splice(0, csp.length);
        },
        /** Takes the console problems matching `re` (provoked on purpose). */
        takeProblems(re) {
          const taken = problems.filter((p) => re.test(p));
          for (const p of taken) problems.splice(problems.indexOf(p), 1);
          return taken;
        },
      };
      await use(guard);
      expect(problems, 'console errors/warnings or page errors during the test').toEqual([]);
      expect(csp, 'Content-Security-Policy violations during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page as it is; returns a readable report of the violations ('' if none). */
export async function axeReport(page, label) {
  const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  if (violations.length === 0) return '';
  const lines = [`axe: ${violations.length} violation(s) on ${label} (${page.url()}):`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help}`);
    lines.push(`    ${v.helpUrl}`);
    for (const n of v.nodes.slice(0, 8)) {
      lines.push(`    - ${n.target.join(' >> ')}`);
      lines.push(`      ${n.html.slice(0, 200)}`);
      for (const s of (n.failureSummary ?? '').split('\n')) lines.push(`      ${s}`);
    }
    if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more node(s)`);
  }
  return lines.join('\n');
}

/**
 * Presses `key` (Tab by default) until `target` has keyboard focus; fails after `max` presses.
 * Keyboard only: nothing is clicked or focused programmatically.
 */
export async function pressUntilFocused(page, target, { key = 'Tab', max = 60 } = {}) {
  for (let i = 0; i <= max; i += 1) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return i;
    await page.keyboard.press(key);
  }
  const active = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 160));
  throw new Error(`${key} x${max} never reached ${target}; focus is on ${active}`);
}
