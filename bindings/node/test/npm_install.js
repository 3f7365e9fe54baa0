'use strict';
// `npm install` of the package works the way Node users expect, offline once npm's cache holds
// the dependencies: `npm pack` of bindings/node, then `npm install <tarball>` into a fresh
// project runs the package's install script, `cmake-js compile`, which configures the engine
// from this repository ($DDC_SOURCE_DIR) in Release and builds the addon into
// node_modules/ddc/build/Release/ddc.node, using the node-api-headers package (no download of
// Node's headers). A script then requires the installed package, with no DDC_NODE_ADDON, and
// uses it. Slow (a whole Release build of the engine), so it is its own ctest test,
// node.npm_install, and not part of node.test.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PACKAGE = path.resolve(__dirname, '..');

test('npm pack, then npm install of the tarball builds the addon and loads it', { skip: !process.env.DDC_SOURCE_DIR && 'run by ctest (needs DDC_SOURCE_DIR)' }, (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddc-npm-install-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL || '2' };
  delete env.DDC_NODE_ADDON;
  delete env.NODE_PATH;
  const npm = (args, cwd) => execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', dir], PACKAGE));
  const tarball = path.join(dir, packed[0].filename);
  const files = packed[0].files.map((f) => f.path).sort();
  assert.ok(files.includes('index.js') && files.includes('index.d.ts') && files.includes('CMakeLists.txt'), files.join(' '));
  assert.ok(files.includes('src/store.cc'));
  assert.ok(!files.some((f) => f.startsWith('node_modules/') || f.startsWith('build/') || f.startsWith('test/')), files.join(' '));

  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball], app);
  const installed = path.join(app, 'node_modules', 'ddc');
  assert.ok(fs.existsSync(path.join(installed, 'build', 'Release', 'ddc.node')));

  const probe = `
    const ddc = require('ddc');
    (async () => {
      const store = await ddc.Store.open(${JSON.stringify(path.join(dir, 'store'))});
      const cid = await store.putBlob(Buffer.from('installed'));
      const back = (await store.get(cid)).toString();
      await store.close();
      console.log(JSON.stringify({ file: require.resolve('ddc'), cid, back,
                                   user: ddc.KeyPair.fromSeed(Buffer.alloc(32)).user }));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const out = JSON.parse(execFileSync(process.execPath, ['-e', probe], { cwd: app, env, encoding: 'utf8' }));
  assert.equal(out.file, path.join(fs.realpathSync(installed), 'index.js'));
  assert.equal(out.back, 'installed');
  assert.match(out.cid, /^bafk2bzace/);
  // The ed25519 public key of the all-zero seed.
  assert.equal(out.user, '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29');
});
