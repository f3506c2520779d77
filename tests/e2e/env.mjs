// Where the end-to-end run's servers live, shared by playwright.config.mjs and the specs.
// Every port can be moved with an environment variable (e.g. when a developer's own LRS
// already holds 8100): E2E_LRS_PORT, E2E_APP_PORT, E2E_FAULT_APP_PORT, E2E_PROXY_PORT.
// Avoid ports on Chromium's blocked list (e.g. 4190, 6000, 6665-6669, 10080).
import { readFileSync } from 'node:fs';

const port = (name, fallback) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1024 || Number(v) > 65535) {
    throw new Error(`${name} must be a port number 1024-65535, got '${v}'`);
  }
  return Number(v);
};

/** The built portal to serve (E2E_DIST, default dist/; e.g. a deliberately broken build). */
export const DIST = process.env.E2E_DIST || 'dist';

/** The config the e2e copies of the portal are deployed with (preview, anonymous account). */
export const E2E_CONFIG = process.env.E2E_CONFIG || 'tests/e2e/config.json';

/**
 * The anonymous account of that config (write only, see scripts/lrs/start.sh); its LRS agent,
 * like every account's, is the xAPI account {homePage: ACCOUNT_HOME_PAGE, name}.
 */
export const ANONYMOUS = { account: 'andanh', password: 'andanh-pass' };

/** The portal as deployed for the run: its config.json points straight at the e2e LRS. */
export const APP_PORT = port('E2E_APP_PORT', 4173);
export const APP_ORIGIN = `http://127.0.0.1:${APP_PORT}`;

/** Ralph, fresh for each run (scripts/lrs/e2e-lrs.sh). */
export const LRS_PORT = port('E2E_LRS_PORT', 8100);
export const LRS_URL = `http://127.0.0.1:${LRS_PORT}`;
export const LRS_ENDPOINT = `${LRS_URL}/xAPI/`;

/** The fault-injecting proxy in front of Ralph (tests/support/fault-proxy.mjs, run by sync.spec). */
export const PROXY_PORT = port('E2E_PROXY_PORT', 8110);
export const PROXY_URL = `http://127.0.0.1:${PROXY_PORT}`;
export const PROXY_ENDPOINT = `${PROXY_URL}/xAPI/`;

/** A second copy of the portal whose config.json points at the proxy (another origin). */
export const FAULT_APP_PORT = port('E2E_FAULT_APP_PORT', 4174);
export const FAULT_APP_ORIGIN = `http://127.0.0.1:${FAULT_APP_PORT}`;

/** A copy of the portal the update test "deploys" a new build into (update.spec). */
export const UPDATE_APP_PORT = port('E2E_UPDATE_APP_PORT', 4175);
export const UPDATE_APP_ORIGIN = `http://127.0.0.1:${UPDATE_APP_PORT}`;

/** Seed of the proxy's fault schedule (printed by the tests that use it). */
export const FAULT_SEED = process.env.E2E_FAULT_SEED ? Number(process.env.E2E_FAULT_SEED) : 20261128;

/**
 * `account.homePage` of the learners' actors (public/config.json, which the app is served
 * with), and of the LRS accounts' agents (start.sh --home-page): Ralph stamps the account
 * as the statement's authority, and the trainer review keeps a statement only when its
 * authority is its actor.
 */
export const ACCOUNT_HOME_PAGE = JSON.parse(
  readFileSync(new URL('../../public/config.json', import.meta.url), 'utf8'),
).account_home_page;

/**
 * The simulated classes the trainer e2e seeds (boiduong-synth --prefix, --learners): the
 * LRS is started with an account for each of their learners (start.sh --simulated), so each
 * learner's statements are posted by that learner.
 */
export const SIMULATED = {
  a: { prefix: 'hv-e2e-a', learners: 40 },
  b: { prefix: 'hv-e2e-b', learners: 8 },
  c: { prefix: 'hv-e2e-c', learners: 3 },
};

/** The demo accounts start.sh creates (learners read only what they posted; the trainer all). */
export const ACCOUNTS = {
  hocvien1: { account: 'hocvien1', password: 'hocvien1-pass', name: 'Nguyễn Văn An', classCode: 'QLNN-2026-01' },
  hocvien2: { account: 'hocvien2', password: 'hocvien2-pass', name: 'Trần Thị Bình', classCode: 'QLNN-2026-01' },
  hocvien3: { account: 'hocvien3', password: 'hocvien3-pass', name: 'Lê Minh Châu', classCode: 'QLNN-2026-02' },
  giangvien: { account: 'giangvien', password: 'giangvien-pass', name: 'Phạm Thu Hà', classCode: '' },
};
export const TRAINER = ACCOUNTS.giangvien;
