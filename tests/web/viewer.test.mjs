// End-to-end test of ddc-node's data viewer (node/web/, served at /) and its Swagger UI (/docs)
// in headless Chromium driven by playwright-core.
//
// A real ddc-node is filled with events the `ddc` CLI signs, whose sealed scopes
// ddc-crypto-tool sealed under a known master key, and sealed by a checkpoint that is anchored
// on the node's dev chain (POST /v1/anchors; no periodic checkpoints or anchors); one more event
// comes after the checkpoint. The browser then:
//   - picks a bucket, a user, opens the timeline and an event, and shows the CID, signature,
//     timeline and journal inclusion, checkpoint signature and chain anchor checks green, with
//     the block the node anchored in, and the chain in the header line;
//   - opens the sealed scope with the right master key (and with the derived scope key) and
//     shows its JSON; shows "Wrong key" for another key;
//   - shows the verification FAILS when a proof's path, the proof's checkpoint or the event's
//     bytes are altered on the way (page.route);
//   - shows "not sealed by a checkpoint yet" for the event after the checkpoint;
//   - shows an anchor without a proof (a Substrate chain) as reported, neither verified nor failed;
//   - shows the anchor check FAILS for an altered anchor proof, "No chain" for a node answering
//     501 no_chain, and "Not anchored yet" for a new checkpoint until POST /v1/anchors, after
//     which a newer note of the same journal size is covered by the anchored one;
//   - renders the operations of docs/openapi.yaml on /docs.
// Every request the pages make must go to the node (127.0.0.1 and its port), and the pasted
// keys must appear in no request. Screenshots go to $DDC_WEB_SCREENSHOTS (ctest: the build's
// tests/web/screenshots/) for review. Waits are on page conditions, never on time.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, test } from 'node:test'

import {
  anchorNow, checkpoint, getJson, launchChromium, makeUser, putEvent, requireEnv, startNode, tempDir
} from './harness.mjs'

const kWait = { timeout: 30_000 }
const shots = process.env.DDC_WEB_SCREENSHOTS || path.join(process.cwd(), 'screenshots')
const bucket = 7
let dir, node, browser, alice, bob, anchored, chain
const cids = {}

before(async () => {
  fs.mkdirSync(shots, { recursive: true })
  dir = tempDir('ddc-web-')
  // Access control off: this test is about the viewer, not tokens (the viewer reads what an
  // anonymous client may read).
  // No periodic checkpoints or anchors: the test makes them when it needs one.
  node = await startNode(path.join(dir, 'data'),
    ['--auth', 'off', '--checkpoint-interval-ms', '0', '--anchor-interval-ms', '0'])
  alice = makeUser(dir, 'alice')
  bob = makeUser(dir, 'bob')
  const t0 = 1_767_225_600_000 // 2026-01-01
  cids.view = await putEvent(node, dir, alice, {
    bucket,
    id: 'e1',
    type: 'page_view',
    time: t0,
    publicScopes: { meta: { page: '/home', app: 'shop' } },
    sealedScopes: { profile: { user: { email: 'alice@example.com', name: 'Alice' } } }
  })
  cids.cart = await putEvent(node, dir, alice, {
    bucket,
    id: 'e2',
    type: 'add_to_cart',
    time: t0 + 60_000,
    prev: cids.view,
    publicScopes: { meta: { page: '/cart', sku: 'B-42' } },
    sealedScopes: { profile: { user: { email: 'alice@example.com' } }, payment: { card: '4242' } }
  })
  await putEvent(node, dir, bob, {
    bucket, id: 'b1', type: 'signup', time: t0 + 1000, publicScopes: { meta: { plan: 'free' } }
  })
  await putEvent(node, dir, bob, {
    bucket: 9, id: 'b2', type: 'page_view', time: t0 + 2000, publicScopes: { meta: { page: '/' } }
  })
  await checkpoint(node)
  anchored = await anchorNow(node)
  chain = (await getJson(node, '/v1/chain')).body
  cids.late = await putEvent(node, dir, alice, {
    bucket, id: 'e3', type: 'purchase', time: t0 + 120_000, prev: cids.cart,
    publicScopes: { meta: { total: 42.5 } }
  })
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  if (node) assert.equal(await node.stop(), 0, 'ddc-node exits 0 on SIGTERM')
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

// A page whose every request is recorded; `secrets` must appear in none of them.
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
  const check = (secrets = []) => {
    assert.ok(requests.length > 0)
    for (const r of requests) {
      assert.equal(new URL(r.url).origin, node.url, `a request left the node: ${r.url}`)
      const text = `${r.url}\n${r.body}\n${JSON.stringify(r.headers)}`.toLowerCase()
      for (const secret of secrets) {
        assert.ok(!text.includes(secret.toLowerCase()), `a key went out in a request to ${r.url}`)
      }
    }
    assert.deepEqual(problems, [], 'no script errors or Content-Security-Policy violations')
  }
  return { context, page, requests, check }
}

const shot = (page, name) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true })

// Browses to alice's first event the way a person would: bucket, user, timeline, event.
async function browseToEvent (page, cid) {
  await page.goto(node.url + '/')
  await page.getByRole('link', { name: `Bucket ${bucket}` }).click()
  await page.locator(`[data-user="${alice.publicKey}"]`).click()
  await page.locator(`.tl-item[data-cid="${cid}"] .chip`).first().waitFor(kWait)
  await page.locator(`.tl-item[data-cid="${cid}"] a`).click()
  await page.locator('#verify-summary .badge').waitFor(kWait)
}

describe('data viewer', () => {
  test('browses bucket, users, timeline and an event, and verifies it', async () => {
    const { context, page, check } = await openPage()
    await page.goto(node.url + '/')
    await page.getByRole('link', { name: 'Bucket 9' }).waitFor(kWait)
    await page.getByRole('link', { name: `Bucket ${bucket}` }).click()
    const users = page.locator('#users [data-user]')
    await users.nth(1).waitFor(kWait)
    assert.deepEqual(await users.evaluateAll((as) => as.map((a) => a.dataset.user)),
      [alice.publicKey, bob.publicKey], 'users in the order of their first event')
    await shot(page, '1-users')
    await page.locator(`[data-user="${alice.publicKey}"]`).click()
    const items = page.locator('#timeline .tl-item')
    await items.nth(2).waitFor(kWait)
    assert.deepEqual(await items.locator('.tl-type').allTextContents(), ['page_view', 'add_to_cart', 'purchase'])
    // Which scopes are sealed, from the events' own bytes.
    const cart = page.locator(`.tl-item[data-cid="${cids.cart}"]`)
    await cart.locator('.chip-sealed', { hasText: 'payment' }).waitFor(kWait)
    assert.deepEqual(await cart.locator('.chip').allTextContents(), ['meta', 'payment', 'profile'])
    assert.deepEqual(await cart.locator('.chip-sealed').allTextContents(), ['payment', 'profile'])
    assert.match(await cart.locator('.tl-time').textContent(), /^2026-01-01 00:01:00\.000 UTC$/)
    await shot(page, '2-timeline')

    await cart.locator('a').click()
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    for (const check of ['cid', 'signature', 'timeline', 'journal', 'checkpoint', 'anchor']) {
      assert.equal(await page.locator(`[data-check="${check}"] .badge-ok`).count(), 1, `${check} verifies`)
    }
    const anchorRow = page.locator('[data-check="anchor"]')
    const block = anchored.anchor.block
    assert.equal(await anchorRow.getAttribute('data-block-number'), String(block.number))
    assert.equal(await anchorRow.getAttribute('data-block-hash'), block.hash)
    const anchorText = await anchorRow.textContent()
    assert.match(anchorText, /Anchored on chain/)
    assert.ok(anchorText.includes(`Block #${block.number} at ${new Date(block.time_ms).toISOString().replace('T', ' ').replace('Z', ' UTC')}`), anchorText)
    assert.ok(anchorText.includes(` on ${chain.name}, hash ${block.hash.slice(0, 8)}…${block.hash.slice(-8)}`), anchorText)
    assert.match(await page.locator('#chain-info').textContent(), new RegExp(`^chain ${chain.name} at block #\\d+$`))
    assert.match(await page.locator('#event').textContent(), /the latest/)
    assert.equal(await page.locator('[data-scope="meta"] .j-string', { hasText: '"B-42"' }).count(), 1,
      'the public scope is shown')
    assert.match(page.url(), new RegExp(`#/b/${bucket}/u/${alice.publicKey}/e/${cids.cart}$`))
    await shot(page, '3-event-verified')
    await page.locator('section.verify').screenshot({ path: path.join(shots, '3a-anchored-on-chain.png') })

    // The event after the checkpoint: signed, but not sealed yet.
    await page.locator(`.tl-item[data-cid="${cids.late}"] a`).click()
    await page.locator('#verify-summary .badge-pending').waitFor(kWait)
    assert.match(await page.locator('#verify-summary').textContent(), /Not sealed by a checkpoint yet/)
    await shot(page, '4-event-not-sealed')

    // Keyboard: the timeline's links are reachable and open with Enter.
    await page.locator(`.tl-item[data-cid="${cids.view}"] a`).focus()
    await page.keyboard.press('Enter')
    await page.locator('#event .event-type', { hasText: 'page_view' }).waitFor(kWait)
    check()
    await context.close()
  })

  test('opens sealed scopes with a pasted key that never leaves the browser', async () => {
    const { context, page, check } = await openPage()
    await browseToEvent(page, cids.cart)
    const wrong = 'ab'.repeat(32)
    await page.locator('#key-input').fill(wrong)
    await page.getByRole('button', { name: 'Open sealed scopes' }).click()
    await page.locator('[data-scope="profile"] .error', { hasText: 'Wrong key' }).waitFor(kWait)
    assert.match(await page.locator('[data-scope="payment"]').textContent(), /Wrong key: scope "payment"/)
    await shot(page, '5-wrong-key')

    await page.locator('#key-input').fill(alice.master)
    await page.getByRole('button', { name: 'Open sealed scopes' }).click()
    await page.locator('[data-scope="payment"] .j-string', { hasText: '"4242"' }).waitFor(kWait)
    assert.equal(await page.locator('[data-scope="profile"] .j-string', { hasText: '"alice@example.com"' }).count(), 1)
    assert.match(await page.locator('#key-status').textContent(), /2 of 2 sealed scopes opened/)
    await shot(page, '6-opened')

    // A scope key (derived by the C++ tool) opens its own scope only.
    const scopeKey = spawnSync(requireEnv('DDC_CRYPTO_TOOL'), ['derive', alice.master, 'payment', '1'],
      { encoding: 'utf8' }).stdout.trim()
    await page.goto(`${node.url}/#/b/${bucket}/u/${alice.publicKey}/e/${cids.view}`)
    await page.goto(`${node.url}/#/b/${bucket}/u/${alice.publicKey}/e/${cids.cart}`)
    await page.locator('#key-input').waitFor(kWait)
    await page.locator('#key-kind').selectOption('scope')
    await page.locator('#key-input').fill(scopeKey)
    await page.keyboard.press('Enter')
    await page.locator('[data-scope="payment"] .j-string', { hasText: '"4242"' }).waitFor(kWait)
    assert.match(await page.locator('[data-scope="profile"]').textContent(), /Wrong key/)
    check([wrong, alice.master, scopeKey])
    await context.close()
  })

  test('shows the verification fails for an altered proof or event', async () => {
    // Each case alters one response for one event on its way to the page.
    const alterProof = (change) => async (route) => {
      const proof = await (await route.fetch()).json()
      change(proof)
      return route.fulfill({ json: proof })
    }
    const flipFirstDigit = (hex) => (hex[0] === '0' ? '1' : '0') + hex.slice(1)
    const cases = [
      ['timeline path', cids.cart, 'proof', alterProof((p) => { p.timeline_path[0] = flipFirstDigit(p.timeline_path[0]) })],
      ['journal path', cids.view, 'proof', alterProof((p) => { p.journal_path[0] = flipFirstDigit(p.journal_path[0]) })],
      // Another root in the signed body: the node's signature no longer covers it.
      ['checkpoint', cids.view, 'proof', alterProof((p) => {
        const lines = p.checkpoint.split('\n')
        lines[2] = Buffer.alloc(32, 7).toString('base64')
        p.checkpoint = lines.join('\n')
      })],
      ['event bytes', cids.view, 'event', async (route) => {
        const response = await route.fetch()
        const bytes = Buffer.from(await response.body())
        bytes[bytes.length - 1] ^= 1
        return route.fulfill({ response, body: bytes })
      }]
    ]
    for (const [name, cid, what, alter] of cases) {
      const { context, page, check } = await openPage()
      await page.route(`**/v1/events/${cid}${what === 'proof' ? '/proof' : ''}`, alter)
      await browseToEvent(page, cid)
      await page.locator('#verify-summary .badge-fail', { hasText: 'Verification FAILED' }).waitFor(kWait)
      const failed = await page.locator('.checks [data-check]:has(.badge-fail)').evaluateAll((li) => li.map((l) => l.dataset.check))
      assert.ok(failed.length >= 1, name)
      const expected = { 'timeline path': 'journal', 'journal path': 'journal', checkpoint: 'checkpoint', 'event bytes': 'cid' }[name]
      assert.ok(failed.includes(expected), `${name}: ${failed} includes ${expected}`)
      await shot(page, `7-tampered-${name.replace(/ /g, '-')}`)
      check()
      await context.close()
    }
  })
})

describe('anchors in the data viewer', () => {
  const anchorRow = (page) => page.locator('[data-check="anchor"]')

  test('an altered anchor proof fails the verification', async () => {
    const { context, page, check } = await openPage()
    await page.route('**/v1/checkpoints/*/anchor', async (route) => {
      const answer = await (await route.fetch()).json()
      const header = answer.proof.header
      // A byte of the state root: the authority's seal no longer covers the header.
      answer.proof.header = header.slice(0, 80) + (header[80] === '0' ? '1' : '0') + header.slice(81)
      return route.fulfill({ json: answer })
    })
    await browseToEvent(page, cids.cart)
    await page.locator('#verify-summary .badge-fail', { hasText: 'Verification FAILED' }).waitFor(kWait)
    assert.equal(await anchorRow(page).locator('.badge-fail').count(), 1)
    assert.match(await anchorRow(page).textContent(), /the seal of block \d+ does not verify/)
    for (const other of ['cid', 'signature', 'timeline', 'journal', 'checkpoint']) {
      assert.equal(await page.locator(`[data-check="${other}"] .badge-ok`).count(), 1, `${other} still verifies`)
    }
    await shot(page, '9-anchor-tampered')
    check()
    await context.close()
  })

  test('a node without a chain is shown, not failed', async () => {
    const { context, page, check } = await openPage()
    const noChain = (route) => route.fulfill({
      status: 501, json: { error: { code: 'no_chain', message: 'this node runs without a chain' } }
    })
    await page.route('**/v1/chain', noChain)
    await page.route('**/v1/checkpoints/*/anchor', noChain)
    await browseToEvent(page, cids.cart)
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    assert.equal(await anchorRow(page).locator('.badge-none', { hasText: 'No chain' }).count(), 1)
    assert.equal(await page.locator('#chain-info').textContent(), 'no chain')
    await shot(page, '10-no-chain')
    check()
    await context.close()
  })

  test('an anchor on a Substrate chain is shown as reported, not proven and not failed', async () => {
    const { context, page, check } = await openPage()
    await page.route('**/v1/checkpoints/*/anchor', async (route) => {
      const answer = await (await route.fetch()).json()
      answer.proof = null
      answer.trust = 'no anchor proofs on a Substrate chain; as final as the finalized head'
      return route.fulfill({ json: answer })
    })
    await browseToEvent(page, cids.cart)
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    assert.equal(await anchorRow(page).locator('.badge-none', { hasText: 'Anchored (not proven)' }).count(), 1)
    assert.match(await anchorRow(page).textContent(), /as final as the finalized head/)
    assert.equal(await anchorRow(page).getAttribute('data-block-number'), String(anchored.anchor.block.number))
    check()
    await context.close()
  })

  test('a new checkpoint is "not anchored yet" until it is anchored', async () => {
    // Seals the late event too; every event's proof now uses this checkpoint.
    const newer = await checkpoint(node)
    const { context, page, check } = await openPage()
    await browseToEvent(page, cids.late)
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    assert.equal(await anchorRow(page).locator('.badge-none', { hasText: 'Not anchored yet' }).count(), 1)
    assert.match(await anchorRow(page).textContent(), new RegExp(`checkpoint of size ${newer.size} is not anchored`))
    await shot(page, '11-not-anchored-yet')

    const made = await anchorNow(node)
    assert.equal(made.checkpoint.note, newer.note)
    assert.ok(made.anchor.block.number > anchored.anchor.block.number)
    await page.reload()
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    assert.equal(await anchorRow(page).locator('.badge-ok', { hasText: 'Anchored on chain' }).count(), 1)
    assert.equal(await anchorRow(page).getAttribute('data-block-number'), String(made.anchor.block.number))

    // A newer note of the same size, not anchored: the proof uses it, and the anchored note of the
    // same journal size and root stands for it.
    const same = await checkpoint(node)
    assert.equal(same.size, newer.size)
    await page.reload()
    await page.locator('#verify-summary .badge-ok', { hasText: 'Verified' }).waitFor(kWait)
    assert.equal(await anchorRow(page).locator('.badge-ok', { hasText: 'Anchored on chain' }).count(), 1)
    assert.match(await anchorRow(page).textContent(), /anchored as another note of the same journal size and root/)
    assert.equal(await anchorRow(page).getAttribute('data-block-number'), String(made.anchor.block.number))
    check()
    await context.close()
  })
})

describe('API docs', () => {
  test('/docs renders the operations of openapi.yaml with Swagger UI', async () => {
    const { context, page, requests, check } = await openPage()
    await page.goto(node.url + '/docs')
    await page.locator('.opblock-summary-path', { hasText: '/v1/buckets/{bucket}/users' }).first().waitFor(kWait)
    const paths = await page.locator('.opblock-summary-path').allTextContents()
    for (const want of ['/v1/node', '/v1/events/{cid}', '/v1/events/{cid}/proof', '/v1/checkpoints']) {
      assert.ok(paths.some((p) => p.replace(/\u200b/g, '') === want), `${want} is shown`)
    }
    assert.ok(requests.some((r) => r.url === `${node.url}/openapi.yaml`))
    await shot(page, '8-docs')
    check()
    await context.close()
  })
})
