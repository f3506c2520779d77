// The security headers every response of the portal carries (scripts/static-server.mjs sends
// them; scripts/deploy.mjs writes them as an nginx snippet; docs/deploy-nginx.md):
//   Content-Security-Policy      the policy of the built app page's <meta> tag (one source:
//                                index.html, or trainer/index.html for the trainer app, both
//                                pinned alike by the deploy step), plus frame-ancestors 'none'
//                                (a <meta> policy cannot say it)
//   Referrer-Policy              no-referrer (no page address leaves with a request)
//   Cross-Origin-Opener-Policy   same-origin (no other site keeps a handle on the window)
//   X-Content-Type-Options       nosniff
//   X-Frame-Options              DENY (frame-ancestors for browsers that predate it)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The two apps' pages in a build: the learner app's, then the trainer app's (scripts/build.sh). */
export const APP_PAGES = ['index.html', 'trainer/index.html'];

const META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"\s*\/?>/i;

/** The CSP of an index.html text (its <meta> tag), or null. */
export function metaPolicy(html) {
  return META.exec(html)?.[1] ?? null;
}

/** index.html with its <meta> CSP replaced by `policy`. */
export function withMetaPolicy(html, policy) {
  if (!META.test(html)) throw new Error('index.html has no Content-Security-Policy <meta> tag');
  return html.replace(META, (tag, old) => tag.replace(old, policy));
}

/** Parses a policy into [directive, [sources]] pairs, in order. */
export function directives(policy) {
  return policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .filter((d) => d[0])
    .map(([name, ...sources]) => [name.toLowerCase(), sources]);
}

/** Writes [directive, sources] pairs back as a policy. */
export function policyText(list) {
  return list.map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/** The header policy for a <meta> policy: the same, with frame-ancestors 'none'. */
export function headerPolicy(meta) {
  const list = directives(meta).filter(([name]) => name !== 'frame-ancestors');
  list.push(['frame-ancestors', ["'none'"]]);
  return policyText(list);
}

/** Every security header, for the built portal in `root` (the policy of its page `page`). */
export function securityHeaders(root, page = 'index.html') {
  const meta = metaPolicy(readFileSync(join(root, page), 'utf8'));
  if (!meta) throw new Error(`${root}/${page} has no Content-Security-Policy <meta> tag`);
  return {
    'content-security-policy': headerPolicy(meta),
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
  };
}
