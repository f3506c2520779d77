// End-to-end: what a deployment sends and refuses. The portal is served as deployed
// (scripts/serve-with-config.mjs runs the deploy step, scripts/deploy.mjs, on a copy of the
// release build): the security headers on every answer, the CSP pinned to the LRS, a portal
// that cannot be framed, a release config without the authoring preview, a deploy step that
// refuses a plain-http LRS elsewhere, and a sign-in that never sends the learner to another
// site whatever `?next=` says.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test, expect } from './fixtures.mjs';
import { SignInPage } from './pages.mjs';
import { ACCOUNTS, APP_ORIGIN, DIST, E2E_CONFIG, LRS_URL } from './env.mjs';

const policyOf = (text) =>
  Object.fromEntries(text.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v]));

// Guards: a deployment that can be framed (clickjacking), leaks the page address to the LRS,
// lets another window keep a handle on the portal, lets the browser sniff types, or still
// lets the app talk to any https host; headers missing on assets or on a 404.
test('every answer carries the CSP header (frame-ancestors none, connect-src pinned to the LRS) and the other security headers', async ({ request }) => {
  for (const path of ['/', '/module/tiep-nhan-ho-so-mot-cua', '/config.json', '/sw.js', '/khong-co-tep-nay.js']) {
    const res = await request.get(path);
    const h = res.headers();
    expect(h['content-security-policy'], `CSP header on ${path}`).toBeTruthy();
    const policy = policyOf(h['content-security-policy']);
    expect(policy['frame-ancestors'], path).toEqual(["'none'"]);
    expect(policy['connect-src'], `${path}: the app talks to itself and the configured LRS only`).toEqual(["'self'", LRS_URL]);
    expect(policy['script-src'], path).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(h['referrer-policy'], path).toBe('no-referrer');
    expect(h['cross-origin-opener-policy'], path).toBe('same-origin');
    expect(h['x-content-type-options'], path).toBe('nosniff');
    expect(h['x-frame-options'], path).toBe('DENY');
  }
  // The <meta> policy of the deployed index.html says the same (minus frame-ancestors,
  // which a <meta> policy cannot carry).
  const html = await (await request.get('/')).text();
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)[1];
  const header = policyOf((await request.get('/')).headers()['content-security-policy']);
  const fromMeta = policyOf(meta);
  expect(fromMeta['frame-ancestors']).toBeUndefined();
  delete header['frame-ancestors'];
  expect(fromMeta).toEqual(header);
});

// Guards: the portal shown inside another site's frame (the <meta> CSP alone cannot stop it).
test('another site cannot frame the portal', async ({ page, guard }) => {
  await page.goto('about:blank');
  await page.setContent(`<iframe id="f" src="${APP_ORIGIN}/sign-in" title="portal"></iframe>`);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  expect(frame, 'the iframe exists').toBeTruthy();
  // Chromium replaces a refused frame with its error page: the portal never loads in it.
  await expect.poll(() => frame.url(), { timeout: 10_000 }).toMatch(/^chrome-error:/);
  expect(await frame.locator('[data-testid="sign-in"]').count()).toBe(0);
  guard.takeProblems(/frame-ancestors|Refused to (display|frame)/);
});

// Guards: the authoring preview (every node, every answer) switched on in production, a
// deploy step that accepts an LRS reached over plain http on another host (passwords in
// clear), and one that refuses the shared-computer settings or lets them out of range.
test('the release config has no preview; the deploy step refuses a plain-http LRS elsewhere and pins the one it is given', async () => {
  const release = JSON.parse(readFileSync(join(resolve(DIST), 'config.json'), 'utf8'));
  expect(release.preview, 'dist/config.json (the release build)').toBeUndefined();
  expect(JSON.parse(readFileSync(resolve('public/config.json'), 'utf8')).preview).toBeUndefined();
  const dir = mkdtempSync(join(tmpdir(), 'boiduong-deploy-'));
  try {
    cpSync(resolve(DIST), dir, { recursive: true });
    const refused = spawnSync('node', ['scripts/deploy.mjs', dir, E2E_CONFIG, '--lrs-endpoint', 'http://lrs.example.vn/xAPI/'], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('use https');
    const before = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(before, 'nothing written by a refused deploy').toBe(readFileSync(join(resolve(DIST), 'index.html'), 'utf8'));
    const ok = spawnSync('node', ['scripts/deploy.mjs', dir, E2E_CONFIG, '--lrs-endpoint', 'https://lrs.example.vn/xAPI/'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(readFileSync(join(dir, 'index.html'), 'utf8'))[1];
    expect(policyOf(meta)['connect-src']).toEqual(["'self'", 'https://lrs.example.vn']);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).lrs_endpoint).toBe('https://lrs.example.vn/xAPI/');
    expect(readFileSync(join(dir, 'sw.js'), 'utf8'), 'a new service-worker version').not.toBe(readFileSync(join(resolve(DIST), 'sw.js'), 'utf8'));
    // The shared-computer settings deploy as the portal reads them; out of range is refused.
    const e2e = JSON.parse(readFileSync(E2E_CONFIG, 'utf8'));
    const withDays = join(dir, 'with-days.json');
    writeFileSync(withDays, JSON.stringify({ ...e2e, remember_days: 3, trainer_cache_days: 2 }));
    const days = spawnSync('node', ['scripts/deploy.mjs', dir, withDays], { encoding: 'utf8' });
    expect(days.status, days.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({ remember_days: 3, trainer_cache_days: 2 });
    writeFileSync(withDays, JSON.stringify({ ...e2e, remember_days: 400 }));
    const tooLong = spawnSync('node', ['scripts/deploy.mjs', dir, withDays], { encoding: 'utf8' });
    expect(tooLong.status).toBe(1);
    expect(tooLong.stderr).toContain('remember_days');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Guards the open redirect after sign-in: a `next` that a URL parser turns into another
// origin (`/\evil`, a tab, `//`, an absolute URL) must land on the portal's own catalog.
test('sign-in never follows ?next= to another site', async ({ page }) => {
  const form = new SignInPage(page, 'vi');
  for (const next of ['/\\evil.example', '/%09/evil.example', '/\t/evil.example', '//evil.example', 'https://evil.example/', '/%2F%2Fevil.example']) {
    await form.goto(next);
    await form.submitAs(ACCOUNTS.hocvien3);
    await expect(page, `next=${JSON.stringify(next)}`).toHaveURL(`${APP_ORIGIN}/`);
  }
  // The same, typed straight into the address bar (not encoded by a form).
  for (const raw of ['/sign-in?next=/%09/evil.example', '/sign-in?next=/\\evil.example', '/sign-in?next=//evil.example']) {
    await page.goto(raw);
    await form.waitReady();
    await form.submitAs(ACCOUNTS.hocvien3);
    await expect(page, raw).toHaveURL(`${APP_ORIGIN}/`);
  }
  // A path of the portal is followed.
  await form.goto('/history');
  await form.submitAs(ACCOUNTS.hocvien3);
  await expect(page).toHaveURL(`${APP_ORIGIN}/history`);
});
