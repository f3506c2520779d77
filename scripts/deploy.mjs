// The deploy step of a built portal (dist/): writes its config.json and pins the
// Content-Security-Policy's connect-src to the configured LRS's origin ('self' + that origin,
// nothing else), in the <meta> tag of both apps' pages (index.html, and trainer/index.html
// when the trainer app is built), which is also the policy the static server and the nginx
// snippet send as a header (scripts/security-headers.mjs). The service worker's version
// changes with them, so browsers pick the new config and policy up; the brotli and gzip
// copies of the rewritten files are made again (scripts/build/precompress.mjs).
//
// Usage: node scripts/deploy.mjs DIR CONFIG_JSON [--lrs-endpoint URL] [--nginx FILE]
//   CONFIG_JSON    the deployment's config (see README, "Pointing the portal at another LRS");
//                  public/config.json is the release default (no authoring preview)
//   --lrs-endpoint replaces the config's lrs_endpoint (e.g. the e2e LRS's port)
//   --nginx FILE   also writes the security headers as nginx add_header lines to FILE
//                  (docs/deploy-nginx.md)
// The LRS endpoint must be https://, or http:// on this machine only (127.x, localhost,
// [::1]): the portal refuses any other plain-http LRS, which would carry passwords in clear.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeCopies } from './build/precompress.mjs';
import { APP_PAGES, directives, metaPolicy, policyText, securityHeaders, withMetaPolicy } from './security-headers.mjs';

const REQUIRED = ['portal_name', 'lrs_endpoint', 'base_iri', 'account_home_page'];
const KNOWN = new Set([...REQUIRED, 'trainer_accounts', 'preview', 'anonymous_account', 'remember_days', 'trainer_cache_days']);

/** The origin of an LRS endpoint the portal may use, or an Error saying why not. */
export function lrsOrigin(endpoint) {
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`lrs_endpoint ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.username || url.password) throw new Error('lrs_endpoint must not contain credentials');
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url.origin;
  throw new Error(`lrs_endpoint ${endpoint}: use https (plain http only for an LRS on this machine)`);
}

/** Checks a config the way the portal reads it (unknown keys are refused there too). */
export function checkConfig(config) {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error('config: expected a JSON object');
  for (const k of REQUIRED) {
    if (typeof config[k] !== 'string' || config[k].trim() === '') throw new Error(`config: \`${k}\` is required`);
  }
  for (const k of Object.keys(config)) {
    if (!KNOWN.has(k)) throw new Error(`config: unknown key \`${k}\``);
  }
  // The ranges src/net/config.rs accepts (days; 0 remember_days: "remember me" not offered).
  for (const [k, min] of [['remember_days', 0], ['trainer_cache_days', 1]]) {
    const v = config[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= 365)) {
      throw new Error(`config: \`${k}\` must be ${min} to 365`);
    }
  }
  const anon = config.anonymous_account;
  if (anon !== undefined) {
    if (typeof anon?.name !== 'string' || !anon.name.trim() || typeof anon.password !== 'string' || !anon.password) {
      throw new Error('config: `anonymous_account` needs a `name` and a `password`');
    }
  }
  return lrsOrigin(config.lrs_endpoint);
}

/** index.html's policy with connect-src pinned to 'self' and `origin`. */
export function pinConnectSrc(policy, origin) {
  const list = directives(policy).filter(([name]) => name !== 'connect-src');
  const at = list.findIndex(([name]) => name === 'object-src');
  list.splice(at < 0 ? list.length : at, 0, ['connect-src', ["'self'", origin]]);
  return policyText(list);
}

/**
 * Deploys `config` into the built portal in `dir`: config.json, the pinned policy in each
 * app's page, a new service-worker version, fresh compressed copies of what changed. Returns
 * the security headers now in force.
 */
export function deploy(dir, config, { nginx } = {}) {
  const root = resolve(dir);
  const origin = checkConfig(config);
  const pages = APP_PAGES.map((page) => join(root, page)).filter((path, i) => i === 0 || existsSync(path));
  const newPages = pages.map((path) => {
    const html = readFileSync(path, 'utf8');
    const policy = metaPolicy(html);
    if (!policy) throw new Error(`${path} has no Content-Security-Policy <meta> tag`);
    return withMetaPolicy(html, pinConnectSrc(policy, origin));
  });
  // One policy for the whole origin (the nginx snippet's add_header lines hold one).
  const policies = new Set(newPages.map(metaPolicy));
  if (policies.size > 1) throw new Error(`${APP_PAGES.join(' and ')} carry different Content-Security-Policies`);
  const configText = `${JSON.stringify(config, null, 2)}\n`;
  writeFileSync(join(root, 'config.json'), configText);
  const rewritten = [];
  pages.forEach((path, i) => {
    writeFileSync(path, newPages[i]);
    rewritten.push(path);
  });
  const swPath = join(root, 'sw.js');
  if (existsSync(swPath)) {
    const sw = readFileSync(swPath, 'utf8');
    const hash = createHash('sha256').update(sw).update(configText);
    for (const html of newPages) hash.update(html);
    const version = hash.digest('hex').slice(0, 16);
    writeFileSync(swPath, sw.replace(/^const VERSION = "[0-9a-f]+";/m, `const VERSION = "${version}";`));
    rewritten.push(swPath);
  }
  // A build served compressed (scripts/build.sh) gets copies of the new texts; a bare
  // `trunk build` has none and gets none.
  for (const path of rewritten) {
    if (existsSync(`${path}.br`) || existsSync(`${path}.gz`)) writeCopies(path);
  }
  const headers = securityHeaders(root);
  if (nginx) {
    const lines = Object.entries(headers).map(([k, v]) => `add_header ${k} "${v}" always;`);
    writeFileSync(nginx, `# Written by scripts/deploy.mjs for ${root} (LRS ${origin}); see docs/deploy-nginx.md\n${lines.join('\n')}\n`);
  }
  return headers;
}

function main(argv) {
  const [dir, configPath, ...rest] = argv;
  if (!dir || !configPath) {
    console.error('usage: node scripts/deploy.mjs DIR CONFIG_JSON [--lrs-endpoint URL] [--nginx FILE]');
    process.exit(64);
  }
  const options = {};
  for (let i = 0; i < rest.length; i += 2) {
    const [k, v] = [rest[i], rest[i + 1]];
    if (v === undefined) throw new Error(`${k} needs a value`);
    if (k === '--lrs-endpoint') options.endpoint = v;
    else if (k === '--nginx') options.nginx = v;
    else throw new Error(`unknown argument ${k}`);
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  if (options.endpoint) config.lrs_endpoint = options.endpoint;
  const headers = deploy(dir, config, { nginx: options.nginx });
  console.log(`deploy: ${resolve(dir)}: config.json for ${config.lrs_endpoint}${config.preview ? ' (authoring preview on)' : ''}`);
  console.log(`deploy: Content-Security-Policy: ${headers['content-security-policy']}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`deploy: ${e.message}`);
    process.exit(1);
  }
}
