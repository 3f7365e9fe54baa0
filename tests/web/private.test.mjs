// End-to-end test of the data viewer on a node with access control on: a private bucket is read
// with an access token and its subject's seed pasted under "Credentials" (node/web/app/auth.js).
//
// The node declares bucket 8 private and bucket 7 public, both owned by a keystore key `owner`;
// the owner writes events into both with `ddc --node URL --as owner event put`, and a
// checkpoint seals them. A reader seed is made here, its public key derived with
// @noble/ed25519, and `ddc token issue --as owner --to HEX --ops read` issues it a token. In
// headless Chromium:
//   - without credentials bucket 8 shows the node's 401 and the hint to paste credentials;
//   - with the token and the seed, the users, the timeline and an event show, verified;
//     every API request carries the token and its own X-DDC-Signature, and the seed is in no
//     request, in the URL or in storage; a token for bucket 8 is flagged on bucket 7; Forget
//     returns to the 401;
//   - a seed that is not the token's subject is refused in the page, before any request;
//   - a token that expires is flagged by the page, refused by the node, and refused when pasted
//     again.
// Waits are on page conditions, never on time.
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { after, before, describe, test } from 'node:test'

import {
  checkpoint, launchChromium, makeUser, putEvent, requireEnv, run, startNode, tempDir, webDir
} from './harness.mjs'

const kWait = { timeout: 30_000 }
const shots = process.env.DDC_WEB_SCREENSHOTS || path.join(process.cwd(), 'screenshots')
const privateBucket = 8
const publicBucket = 7
let dir, node, browser, alice, env, cli
const cids = {}
const reader = {}
const stranger = {}

const npm = (file) => import(pathToFileURL(path.join(webDir, 'node_modules', file)).href)

before(async () => {
  fs.mkdirSync(shots, { recursive: true })
  dir = tempDir('ddc-web-private-')
  cli = requireEnv('DDC_CLI')
  env = {
    ...process.env,
    DDC_PASSPHRASE: 'web test passphrase',
    DDC_KEYSTORE_FAST: '1',
    DDC_KEYSTORE: path.join(dir, 'keystore')
  }
  const owner = run(cli, ['keygen', '--sign', 'owner'], { env }).stdout.trim()
  assert.match(owner, /^[0-9a-f]{64}$/)
  const config = path.join(dir, 'node.json')
  fs.writeFileSync(config, JSON.stringify({
    buckets: [
      { bucket: privateBucket, owner, public: false },
      { bucket: publicBucket, owner, public: true }
    ]
  }))
  // Access control on (the default); checkpoints only when the test makes one.
  node = await startNode(path.join(dir, 'data'), ['--config', config, '--checkpoint-interval-ms', '0'])

  const ed = await npm('@noble/ed25519/index.js')
  const { sha512 } = await npm('@noble/hashes/sha2.js')
  ed.hashes.sha512 = sha512
  for (const who of [reader, stranger]) {
    who.seed = crypto.randomBytes(32).toString('hex')
    who.publicKey = Buffer.from(ed.getPublicKey(Buffer.from(who.seed, 'hex'))).toString('hex')
  }
  reader.token = issue(reader.publicKey, privateBucket, 'read').token

  alice = makeUser(dir, 'alice')
  const as = { name: 'owner', env }
  const t0 = 1_767_225_600_000 // 2026-01-01
  cids.view = await putEvent(node, dir, alice, {
    bucket: privateBucket, id: 'p1', type: 'page_view', time: t0, as,
    publicScopes: { meta: { page: '/secret', app: 'clinic' } }
  })
  cids.cart = await putEvent(node, dir, alice, {
    bucket: privateBucket, id: 'p2', type: 'appointment', time: t0 + 60_000, prev: cids.view, as,
    publicScopes: { meta: { doctor: 'Dr. Who' } }
  })
  cids.open = await putEvent(node, dir, alice, {
    bucket: publicBucket, id: 'o1', type: 'signup', time: t0, as, publicScopes: { meta: { plan: 'free' } }
  })
  await checkpoint(node)
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  if (node) assert.equal(await node.stop(), 0, 'ddc-node exits 0 on SIGTERM')
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

// A root token from the owner: {token, expiresMs}.
function issue (to, bucket, ops, expires) {
  const args = ['token', 'issue', '--as', 'owner', '--bucket', String(bucket), '--to', to, '--ops', ops]
  if (expires) args.push('--expires', String(expires))
  const token = run(cli, args, { env }).stdout.trim()
  assert.match(token, /^[A-Za-z0-9+/=.]+$/)
  return { token, expiresMs: expires }
}

// A page whose every request is recorded, with the node's answers.
async function openPage () {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } })
  const page = await context.newPage()
  const requests = []
  const problems = []
  context.on('request', (r) => requests.push({ url: r.url(), body: r.postData() ?? '', headers: r.headers() }))
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text())
  })
  // The seed, in hex and base64, is in no request's URL, header or body; every request stays
  // on the node; no script error or CSP violation.
  const check = (seed) => {
    const forms = [seed, Buffer.from(seed, 'hex').toString('base64'), Buffer.from(seed, 'hex').toString('base64url')]
    assert.ok(requests.length > 0)
    for (const r of requests) {
      assert.equal(new URL(r.url).origin, node.url, `a request left the node: ${r.url}`)
      const text = `${r.url}\n${r.body}\n${JSON.stringify(r.headers)}`
      for (const form of forms) {
        assert.ok(!text.toLowerCase().includes(form.toLowerCase()), `the seed went out in a request to ${r.url}`)
      }
    }
    assert.deepEqual(problems, [], 'no script errors or Content-Security-Policy violations')
  }
  return { context, page, requests, check }
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true })

// Fills the Credentials form and submits it from the keyboard (Enter in the seed field).
async function paste (page, token, seed) {
  await page.getByLabel('Access token').fill(token)
  await page.getByLabel("Key of the token's subject (ed25519 seed, hex)").fill(seed)
  await page.getByLabel("Key of the token's subject (ed25519 seed, hex)").press('Enter')
}

// Shows bucket 8 without credentials and waits for the node's refusal.
async function privateBucketRefused (page) {
  await page.goto(`${node.url}/#/b/${privateBucket}`)
  const error = page.locator('#users .error')
  await error.waitFor(kWait)
  return error
}

describe('data viewer with credentials', () => {
  test('without credentials a private bucket shows the node\'s 401 and a hint', async () => {
    const { context, page, check } = await openPage()
    const error = await privateBucketRefused(page)
    const text = await error.textContent()
    assert.match(text, /bucket 8 is private: reading it needs an access token/, 'the node\'s message')
    assert.match(text, /paste an access token and its key under Credentials/, 'the hint')
    // The public bucket reads as before.
    await page.getByRole('link', { name: `Bucket ${publicBucket}` }).click()
    await page.locator(`#users [data-user="${alice.publicKey}"]`).waitFor(kWait)
    await page.getByRole('link', { name: `Bucket ${privateBucket}` }).click()
    await page.locator('#users .error').waitFor(kWait)
    await shot(page, 'p1-private-refused')
    check(reader.seed)
    await context.close()
  })

  test('reads a private bucket with a pasted token and seed, signing every request', async () => {
    const { context, page, requests, check } = await openPage()
    await privateBucketRefused(page)
    const before = requests.length
    await paste(page, reader.token, reader.seed)
    const summary = page.locator('#cred-summary')
    await summary.waitFor(kWait)
    assert.equal(await summary.locator('[data-field="bucket"]').textContent(), String(privateBucket))
    assert.equal(await summary.locator('[data-field="ops"]').textContent(), 'read')
    assert.match(await summary.locator('[data-field="expires"]').textContent(), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/)
    assert.equal(await page.getByLabel("Key of the token's subject (ed25519 seed, hex)").inputValue(), '',
      'the seed field is emptied once the seed is in use')

    // Users, timeline, event: all from the private bucket, verified in the page.
    await page.locator(`#users [data-user="${alice.publicKey}"]`).click(kWait)
    const items = page.locator('#timeline .tl-item')
    await items.nth(1).waitFor(kWait)
    assert.deepEqual(await items.locator('.tl-type').allTextContents(), ['page_view', 'appointment'])
    await page.locator(`.tl-item[data-cid="${cids.cart}"] .chip`).first().waitFor(kWait)
    await page.locator(`.tl-item[data-cid="${cids.cart}"] a`).click()
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    for (const key of ['cid', 'signature', 'timeline', 'journal', 'checkpoint']) {
      assert.equal(await page.locator(`[data-check="${key}"] .badge-ok`).count(), 1, `${key} verifies`)
    }
    assert.equal(await page.locator('[data-scope="meta"] .j-string', { hasText: '"Dr. Who"' }).count(), 1)
    await shot(page, 'p2-private-verified')

    // Every API request after the paste is signed, each with its own signature and time.
    const api = requests.slice(before).filter((r) => new URL(r.url).pathname.startsWith('/v1/'))
    assert.ok(api.length >= 6, `${api.length} API requests`)
    for (const r of api) {
      assert.equal(r.headers.authorization, `DDC ${reader.token}`, r.url)
      assert.match(r.headers['x-ddc-time'] ?? '', /^\d+$/, r.url)
      assert.match(r.headers['x-ddc-signature'] ?? '', /^[A-Za-z0-9+/]{86}==$/, r.url)
    }
    const signatures = new Set(api.map((r) => r.headers['x-ddc-signature']))
    assert.equal(signatures.size, api.length, 'no two requests share a signature')
    assert.equal(new Set(api.map((r) => r.headers['x-ddc-time'])).size, api.length, 'no two requests share a time')
    assert.ok(!page.url().includes(reader.seed))
    const stored = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]))
    assert.equal(stored, '[{},{},""]', 'nothing is stored')
    assert.ok(!(await page.content()).includes(reader.seed), 'the seed is not in the page')

    // A token for bucket 8 on bucket 7 (public): the page says so, and bucket 7 still reads.
    await page.getByRole('link', { name: `Bucket ${publicBucket}` }).click()
    await page.locator('#cred-bucket', { hasText: `This token is for bucket ${privateBucket}, not bucket ${publicBucket}` }).waitFor(kWait)
    await page.locator(`#users [data-user="${alice.publicKey}"]`).waitFor(kWait)
    await shot(page, 'p3-other-bucket')

    // Forget: the seed is dropped and bucket 8 is refused again.
    await page.getByRole('link', { name: `Bucket ${privateBucket}` }).click()
    await page.locator(`#users [data-user="${alice.publicKey}"]`).waitFor(kWait)
    await page.getByRole('button', { name: 'Forget' }).click()
    await page.locator('#users .error', { hasText: 'bucket 8 is private' }).waitFor(kWait)
    assert.equal(await page.locator('#cred-summary').count(), 0)
    assert.equal(await page.getByLabel('Access token').inputValue(), '')
    const last = requests.at(-1)
    assert.equal(last.headers.authorization, undefined, 'after Forget requests are not signed')
    check(reader.seed)
    await context.close()
  })

  test('a seed that is not the token\'s subject is refused before any request', async () => {
    const { context, page, requests, check } = await openPage()
    await privateBucketRefused(page)
    const before = requests.length
    await paste(page, reader.token, stranger.seed)
    const error = page.locator('#cred-error')
    await error.waitFor(kWait)
    assert.match(await error.textContent(),
      new RegExp(`public key ${stranger.publicKey} is not the token's subject ${reader.publicKey}`))
    // Not hex, and not a token, are refused too.
    await paste(page, reader.token, 'zz')
    await page.locator('#cred-error', { hasText: 'The seed is not hex' }).waitFor(kWait)
    await paste(page, 'bm90IGEgdG9rZW4=', reader.seed)
    await page.locator('#cred-error', { hasText: 'Not used: link 1 is not' }).waitFor(kWait)
    await shot(page, 'p4-wrong-seed')
    // A marker request: any request the submits had started would have been recorded first.
    await page.evaluate(() => fetch('/health'))
    const after = requests.slice(before)
    assert.deepEqual(after.map((r) => new URL(r.url).pathname), ['/health'], 'no request but the marker')
    assert.equal(await page.locator('#cred-summary').count(), 0)
    assert.equal(await page.locator(`#users [data-user]`).count(), 0)
    check(stranger.seed)
    check(reader.seed)
    await context.close()
  })

  test('an expiring token: the page flags it, the node refuses it, and it is refused when pasted', async () => {
    const { context, page, check } = await openPage()
    await privateBucketRefused(page)
    // Long enough to be pasted before it expires; the test waits for the expiry, not for time.
    const { token, expiresMs } = issue(reader.publicKey, privateBucket, 'read', Date.now() + 4000)
    await paste(page, token, reader.seed)
    await page.locator('#cred-summary').waitFor(kWait)
    await page.locator(`#users [data-user="${alice.publicKey}"]`).waitFor(kWait)
    // The page's own message once the expiry passes.
    await page.waitForFunction((ms) => Date.now() > ms, expiresMs, kWait)
    await page.locator('#cred-expired', { hasText: 'The token expired at' }).waitFor(kWait)
    // The node's: bucket 8 again.
    await page.goto(`${node.url}/#/`)
    await page.getByRole('link', { name: `Bucket ${privateBucket}` }).click()
    const error = page.locator('#users .error')
    await error.waitFor(kWait)
    assert.match(await error.textContent(), new RegExp(`the token expired at ${expiresMs} ms`))
    assert.match(await error.textContent(), /The credentials in use do not allow this/)
    await shot(page, 'p5-expired')
    // Pasted again, the page refuses it.
    await paste(page, token, reader.seed)
    await page.locator('#cred-error', { hasText: 'Not used: The token expired at' }).waitFor(kWait)
    check(reader.seed)
    await context.close()
  })
})
