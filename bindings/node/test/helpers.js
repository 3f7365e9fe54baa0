'use strict';
// Shared by the tests: a fresh store directory per test, a user with a master key, a policy.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ddc = require('..');

const BUCKET = 7;
const POLICY = {
  default: 'core',
  scopes: { profile: ['$.user'], geo: ['$.location'], meta: ['$.meta'] },
  public: ['meta'],
};

// A temporary directory removed when the test ends.
function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-node-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A store in a fresh directory, closed (closing twice is fine) and removed when the test ends.
async function openStore(t, options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-node-test-'));
  const store = await ddc.Store.open(path.join(dir, 'store'), { durability: 'none', ...options });
  t.after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

// Alice (a fixed seed), her master key in a key ring, and a builder of the policy above.
function alice() {
  const user = ddc.KeyPair.fromSeed(Buffer.from([...Array(32).keys()]));
  const master = ddc.generateMasterKey();
  const keys = new ddc.KeyRing();
  keys.addMasterKey(BUCKET, user.publicKey, master);
  return { user, master, keys, builder: new ddc.EventBuilder(POLICY) };
}

// Event n of a user: a page view with a sealed profile and a public meta scope.
function pageView({ user, keys, builder }, n, extra = {}) {
  return builder.build({
    bucket: BUCKET,
    id: `e${n}`,
    type: 'page_view',
    data: { page: `/p/${n}`, user: { email: 'a@example.com' }, meta: { n } },
    keys,
    userKey: user,
    timestampMs: 1000 + n,
    ...extra,
  });
}

module.exports = { ddc, BUCKET, POLICY, tempDir, openStore, alice, pageView };
