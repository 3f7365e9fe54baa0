// The data viewer: buckets -> users -> a user's timeline -> one event, with every proof checked
// in this browser (verify.js) and sealed scopes opened here with a key the user pastes
// (scopes.js). Navigation lives in the URL fragment (#/b/BUCKET/u/USER/e/CID), so links,
// the back button and reloads work. Keys never enter the URL, a request or storage.
// Private buckets are read with credentials pasted under "Credentials" (auth.js): an access
// token and its subject's seed, with which every request is signed.
// Where the event's checkpoint is anchored on the node's chain is checked here too, with the
// chain authority's key and the node key of GET /v1/chain (verifyAnchor).
//
// Everything from the node is shown through textContent, never parsed as HTML.
import { api } from './api.js'
import { credentials, forget, isoTime, opsString, useCredentials } from './auth.js'
import { equal, fromHex, toHex } from './bytes.js'
import { deriveScopeKey, openScope, scopeJson } from './scopes.js'
import {
  cidOf, decodeEvent, verifyAnchor, verifyCheckpoint, verifyEventProof, verifyEventSignature
} from './verify.js'

const kPageSize = 50
const $ = (id) => document.getElementById(id)

// h('a', {href: '#'}, 'text', child): an element; attributes starting "on" are listeners.
function h (tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value)
    else if (name === 'className') element.className = value
    else element.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue
    element.append(child instanceof Node ? child : String(child))
  }
  return element
}

const short = (text, n = 10) => (text.length > 2 * n + 1 ? `${text.slice(0, n)}…${text.slice(-n)}` : text)
const time = (ms) => new Date(Number(ms)).toISOString().replace('T', ' ').replace('Z', ' UTC')
const link = (bucket, user, cid) =>
  '#/b/' + encodeURIComponent(bucket) + (user ? `/u/${user}` : '') + (cid ? `/e/${cid}` : '')

// A small padlock, drawn (emoji fonts are not everywhere).
function lock () {
  const ns = 'http://www.w3.org/2000/svg'
  const svg = document.createElementNS(ns, 'svg')
  svg.setAttribute('viewBox', '0 0 16 16')
  svg.setAttribute('class', 'lock')
  svg.setAttribute('aria-hidden', 'true')
  const path = document.createElementNS(ns, 'path')
  path.setAttribute('d', 'M4 7V5a4 4 0 0 1 8 0v2h1v8H3V7zm2 0h4V5a2 2 0 0 0-4 0z')
  svg.append(path)
  return svg
}

function badge (state, text) {
  const icon = { ok: '✓', fail: '✗', pending: '…', none: '–' }[state]
  return h('span', { className: `badge badge-${state}` }, h('span', { 'aria-hidden': 'true' }, icon), ' ', text)
}

// An error, and for a 401/403 of the node the hint about credentials (api.js).
function errorBox (error) {
  return h('p', { className: 'error', role: 'alert' }, error.message || String(error),
    error.hint ? h('span', { className: 'hint small' }, error.hint) : null)
}

// A JSON value as an indented, coloured tree of spans.
function jsonView (value) {
  const render = (v, indent) => {
    if (v === null) return [h('span', { className: 'j-null' }, 'null')]
    if (Array.isArray(v) || typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v)
      if (entries.length === 0) return [Array.isArray(v) ? '[]' : '{}']
      const pad = '  '.repeat(indent + 1)
      const out = [Array.isArray(v) ? '[' : '{', '\n']
      entries.forEach(([k, x], i) => {
        out.push(pad)
        if (!Array.isArray(v)) out.push(h('span', { className: 'j-key' }, JSON.stringify(k)), ': ')
        out.push(...render(x, indent + 1), i + 1 < entries.length ? ',\n' : '\n')
      })
      out.push('  '.repeat(indent), Array.isArray(v) ? ']' : '}')
      return out
    }
    const kind = typeof v === 'string' ? 'j-string' : typeof v === 'number' ? 'j-number' : 'j-bool'
    return [h('span', { className: kind }, JSON.stringify(v))]
  }
  return h('pre', { className: 'json' }, h('code', {}, render(value, 0)))
}

// ---------------------------------------------------------------------------------------------
// State: what the fragment names, and what was loaded for it.

const state = {
  node: null, // {verifier_key, origin}
  chain: null, // {info} (GET /v1/chain) or {error}, fetched once.
  bucket: null,
  user: null,
  cid: null,
  usersOf: null, // The bucket whose users are shown.
  timelineOf: null, // "bucket/user" whose timeline is shown.
  next: null // The timeline's next position, or null at its end.
}

function parseFragment () {
  const m = /^#\/b\/([^/]+)(?:\/u\/([0-9a-f]{64})(?:\/e\/([a-z0-9]+))?)?$/.exec(location.hash)
  return m ? { bucket: decodeURIComponent(m[1]), user: m[2] || null, cid: m[3] || null } : {}
}

const noChain = (error) => error?.status === 501 || error?.code === 'no_chain'

// The chain the node anchors on, as the header line shows it.
function chainSummary () {
  const { info, error } = state.chain
  if (error) {
    return h('span', { id: 'chain-info' }, noChain(error) ? 'no chain' : `chain: ${error.message}`)
  }
  return h('span', { id: 'chain-info', title: `genesis ${info.genesis_hash}\nbest block ${info.best.hash}` },
    'chain ', h('code', {}, info.name), ` at block #${info.best.number}`)
}

async function showNode () {
  const [node, chain] = await Promise.allSettled([api.node(), api.chain()])
  state.chain = chain.status === 'fulfilled' ? { info: chain.value } : { error: chain.reason }
  if (node.status === 'rejected') {
    $('node-info').replaceChildren(errorBox(node.reason))
    return
  }
  state.node = node.value
  $('node-info').replaceChildren('Node ', h('code', {}, state.node.origin),
    ' · checkpoints verified with ', h('code', { title: state.node.verifier_key }, short(state.node.verifier_key, 14)),
    ' · ', chainSummary())
}

async function showBuckets () {
  const list = $('buckets')
  try {
    const { buckets } = await api.buckets()
    if (buckets.length === 0) {
      list.replaceChildren(h('li', { className: 'muted' }, 'No bucket holds an event yet.'))
      return
    }
    list.replaceChildren(...buckets.map((b) => h('li', {},
      h('a', { href: link(b), className: 'pick', 'data-bucket': b }, h('span', { className: 'pick-main' }, `Bucket ${b}`)))))
  } catch (e) {
    list.replaceChildren(h('li', {}, errorBox(e)))
  }
}

async function showUsers (bucket) {
  const list = $('users')
  $('users-title').textContent = bucket === null ? 'Users' : `Users of bucket ${bucket}`
  if (bucket === null) {
    list.replaceChildren(h('li', { className: 'muted' }, 'Pick a bucket.'))
    state.usersOf = null
    return
  }
  if (state.usersOf === bucket) return
  state.usersOf = bucket
  list.replaceChildren(h('li', { className: 'muted' }, 'Loading…'))
  try {
    const { users } = await api.users(bucket)
    if (users.length === 0) {
      list.replaceChildren(h('li', { className: 'muted' }, 'No user has an event in this bucket.'))
      return
    }
    list.replaceChildren(...users.map((u) => h('li', {},
      h('a', { href: link(bucket, u.user), className: 'pick', 'data-user': u.user, title: u.user },
        h('span', { className: 'pick-main mono' }, short(u.user, 8)),
        h('span', { className: 'pick-sub' }, `${u.size} event${u.size === 1 ? '' : 's'}`)))))
  } catch (e) {
    state.usersOf = null
    list.replaceChildren(h('li', {}, errorBox(e)))
  }
  markCurrent()
}

// Fills the scope chips of a timeline entry from the event's own bytes.
async function fillScopes (cid, target) {
  try {
    const event = decodeEvent(await api.eventBytes(cid))
    target.replaceChildren(...event.scopes.map((s) => h('span', {
      className: `chip ${s.ct ? 'chip-sealed' : 'chip-public'}`,
      title: s.ct ? `sealed, key version ${s.kv}` : 'public'
    }, s.ct ? lock() : null, s.name)))
    if (event.scopes.length === 0) target.replaceChildren(h('span', { className: 'muted' }, 'no scopes'))
  } catch (e) {
    target.replaceChildren(h('span', { className: 'error' }, e.message))
  }
}

function timelineEntry (bucket, user, e) {
  const scopes = h('span', { className: 'scopes' }, h('span', { className: 'muted' }, '…'))
  fillScopes(e.cid, scopes)
  return h('li', { className: 'tl-item', 'data-cid': e.cid },
    h('span', { className: 'tl-dot', 'aria-hidden': 'true' }),
    h('a', { href: link(bucket, user, e.cid), className: 'tl-card' },
      h('span', { className: 'tl-head' },
        h('strong', { className: 'tl-type' }, e.type),
        h('span', { className: 'tl-pos muted' }, `#${e.position}`)),
      h('time', { className: 'tl-time', datetime: new Date(e.time_ms).toISOString() }, time(e.time_ms)),
      h('span', { className: 'tl-cid mono', title: e.cid }, short(e.cid, 12)),
      scopes))
}

async function loadTimeline (bucket, user, from) {
  const note = $('timeline-note')
  try {
    const page = await api.timeline(bucket, user, from, kPageSize)
    if (state.timelineOf !== `${bucket}/${user}`) return
    $('timeline').append(...page.events.map((e) => timelineEntry(bucket, user, e)))
    state.next = page.next
    $('more').hidden = page.next === null
    note.textContent = `User ${short(user, 8)} in bucket ${bucket}: oldest first.`
    markCurrent()
  } catch (e) {
    note.replaceChildren(errorBox(e))
  }
}

function showTimeline (bucket, user) {
  const key = user ? `${bucket}/${user}` : null
  if (state.timelineOf === key) return
  state.timelineOf = key
  $('timeline').replaceChildren()
  $('more').hidden = true
  if (!user) {
    $('timeline-note').textContent = 'Pick a user to see their timeline.'
    return
  }
  $('timeline-note').textContent = 'Loading…'
  loadTimeline(bucket, user, 0)
}

// ---------------------------------------------------------------------------------------------
// One event: its fields, its proofs and its scopes.

const kCheckNames = {
  cid: 'Content address (CID)',
  signature: 'User signature',
  timeline: "In the user's timeline",
  journal: "In the node's journal",
  checkpoint: 'Checkpoint signed by the node'
}

// Where the checkpoint `cp` (verified, of the event's proof, whose note is `note`) is anchored on
// the node's chain, checked in this browser: {state: ok | fail | none, label, detail, block}.
// A checkpoint not anchored yet, or a node without a chain, is not a failure.
async function anchorCheck (cp, note) {
  const none = (label, detail) => ({ state: 'none', label, detail })
  const failed = (detail) => ({ state: 'fail', label: 'Anchored on chain', detail })
  const noChainCheck = () => none('No chain', 'the node runs without a chain: nothing anchors its checkpoints')
  if (state.chain?.error && noChain(state.chain.error)) return noChainCheck()
  let anchor
  try {
    anchor = await api.anchor(cp.size)
  } catch (e) {
    if (noChain(e)) return noChainCheck()
    if (e.status === 404 && e.code === 'not_anchored') {
      return none('Not anchored yet', `the checkpoint of size ${cp.size} is not anchored on the chain yet ` +
        '(the node anchors its newest checkpoint every anchor interval, or on POST /v1/anchors)')
    }
    return failed(`the node did not give the anchor: ${e.message}`)
  }
  const info = state.chain?.info
  if (!info) return failed(`not checked: the chain's keys are unknown (GET /v1/chain: ${state.chain?.error?.message ?? 'no answer'})`)
  // Several notes may seal the same journal size; the node answers with the newest one anchored.
  let anchored = note
  let another = false
  if (anchor?.checkpoint?.note !== note) {
    const other = verifyCheckpoint(String(anchor?.checkpoint?.note ?? ''), state.node?.verifier_key ?? '')
    if (!other.ok) return failed(`the anchored checkpoint does not verify: ${other.detail}`)
    if (other.checkpoint.size !== cp.size || !equal(other.checkpoint.root, cp.root)) {
      return failed(`the anchored checkpoint seals another journal (size ${other.checkpoint.size}), not this one`)
    }
    anchored = anchor.checkpoint.note
    another = true
  }
  if (anchor?.proof === null) {
    // A Substrate chain: the node reports where it anchored, without a proof to check here.
    const b = anchor.anchor?.block ?? {}
    return {
      state: 'none',
      label: 'Anchored (not proven)',
      block: { number: b.number, hash: b.hash, timeMs: b.time_ms },
      detail: [`Block #${b.number} at ${time(b.time_ms)} on `, h('code', {}, info.name), ', hash ',
        h('code', { title: b.hash }, short(String(b.hash ?? ''), 8)),
        `, extrinsic ${anchor.anchor?.index}, as the node reports it: ${anchor.trust ?? 'no proof given'}`]
    }
  }
  const v = verifyAnchor(anchor, anchored, info.authority, info.node_account?.key)
  if (!v.ok) return failed(v.detail)
  return {
    state: 'ok',
    label: 'Anchored on chain',
    block: v.block,
    detail: [`Block #${v.block.number} at ${time(v.block.timeMs)} on `, h('code', {}, info.name), ', hash ',
      h('code', { title: v.block.hash }, short(v.block.hash, 8)),
      ` (extrinsic ${v.index} of ${v.count}): sealed by the chain authority, signed by the node key` +
      (another ? '; anchored as another note of the same journal size and root.' : '.')]
  }
}

function verificationView (result, proofError, checkpoint, latest, anchor) {
  const rows = []
  let summary
  if (proofError) {
    const notSealed = proofError.code === 'not_sealed'
    summary = notSealed
      ? badge('pending', 'Not sealed by a checkpoint yet')
      : badge('fail', 'No proof')
    rows.push(h('li', {}, badge(result.signature.ok ? 'ok' : 'fail', kCheckNames.signature),
      h('span', { className: 'check-detail' }, result.signature.detail)))
    rows.push(h('li', {}, badge(notSealed ? 'pending' : 'fail', 'Inclusion proof'),
      h('span', { className: 'check-detail' }, proofError.message)))
  } else {
    summary = result.ok && anchor.state !== 'fail' ? badge('ok', 'Verified') : badge('fail', 'Verification FAILED')
    for (const [key, name] of Object.entries(kCheckNames)) {
      const check = result.checks[key]
      rows.push(h('li', { 'data-check': key }, badge(check.ok ? 'ok' : 'fail', name),
        h('span', { className: 'check-detail' }, check.detail)))
    }
  }
  rows.push(h('li', {
    'data-check': 'anchor',
    'data-block-number': anchor.block?.number,
    'data-block-hash': anchor.block?.hash
  }, badge(anchor.state, anchor.label), h('span', { className: 'check-detail' }, anchor.detail)))
  const cp = result.checks?.checkpoint?.checkpoint
  const about = cp
    ? h('p', { className: 'muted small' },
      `Checkpoint of ${cp.size} journal entries at ${time(cp.timeMs)}` +
      (latest ? (latest.note === checkpoint?.note ? ' — the latest.' : ` — a newer one (size ${latest.size}) exists.`) : '.'))
    : null
  return h('section', { className: 'verify', 'aria-label': 'Verification' },
    h('h3', {}, 'Verification ', h('span', { id: 'verify-summary' }, summary)),
    h('ul', { className: 'checks' }, rows), about,
    h('p', { className: 'muted small' }, 'Checked in this browser with the verifier key ',
      h('code', {}, state.node?.verifier_key ?? '?'), ' (from GET /v1/node)',
      state.chain?.info
        ? [' and the chain authority ', h('code', { title: state.chain.info.authority }, short(state.chain.info.authority, 8)),
            ' (from GET /v1/chain).']
        : '.'))
}

function scopeCard (event, scope, signatureOk) {
  const sealed = scope.ct !== undefined
  const labels = [sealed ? `sealed · key version ${scope.kv}` : 'public',
    scope.comp === 1 ? 'zstd' : null].filter(Boolean).join(' · ')
  const body = h('div', { className: 'scope-body' })
  if (!sealed) {
    try {
      body.replaceChildren(jsonView(scopeJson(scope.pt, scope.comp)))
    } catch (e) {
      body.replaceChildren(errorBox(e))
    }
  } else {
    body.replaceChildren(h('p', { className: 'muted' }, `Sealed (${scope.ct.length - 16} bytes). Paste a key below to open it here.`))
  }
  const card = h('article', { className: `scope ${sealed ? 'scope-sealed' : 'scope-public'}`, 'data-scope': scope.name },
    h('header', {}, h('strong', {}, sealed ? lock() : null, scope.name), h('span', { className: 'muted' }, labels)), body)
  card.open = (key, kind) => {
    const scopeKey = kind === 'master' ? deriveScopeKey(key, scope.name, scope.kv) : key
    const plain = openScope(scopeKey, event, scope)
    if (plain === null) {
      const why = signatureOk
        ? `Wrong key: scope "${scope.name}" (key version ${scope.kv}) does not open with this ${kind === 'master' ? 'master' : 'scope'} key.`
        : `Scope "${scope.name}" does not open, and the event's signature fails: the event was altered.`
      body.replaceChildren(h('p', { className: 'error', role: 'alert' }, why))
      return false
    }
    try {
      body.replaceChildren(h('p', { className: 'opened' }, badge('ok', 'Opened in this browser')), jsonView(scopeJson(plain, scope.comp)))
      return true
    } catch (e) {
      body.replaceChildren(errorBox(e))
      return false
    }
  }
  return card
}

function keyForm (cards) {
  const input = h('input', {
    id: 'key-input', type: 'password', autocomplete: 'off', spellcheck: 'false',
    inputmode: 'text', placeholder: '64 hex digits', 'aria-describedby': 'key-help'
  })
  const kind = h('select', { id: 'key-kind' },
    h('option', { value: 'master' }, "Master key of this user (bucket, user)"),
    h('option', { value: 'scope' }, 'Scope key'))
  const status = h('p', { id: 'key-status', className: 'small', 'aria-live': 'polite' })
  const form = h('form', {
    className: 'key-form',
    onsubmit: (event) => {
      event.preventDefault()
      let key
      try {
        key = fromHex(input.value)
        if (key.length !== 32) throw new Error(`a key is 32 bytes (64 hex digits), not ${key.length}`)
      } catch (e) {
        status.replaceChildren(h('span', { className: 'error', role: 'alert' }, `Not a key: ${e.message}`))
        return
      }
      const opened = cards.filter((card) => card.open(key, kind.value)).length
      status.textContent = `${opened} of ${cards.length} sealed scope${cards.length === 1 ? '' : 's'} opened.`
    }
  },
  h('label', { for: 'key-input' }, 'Key (hex)'),
  h('div', { className: 'key-row' }, kind, input, h('button', { className: 'button primary', type: 'submit' }, 'Open sealed scopes')),
  h('p', { id: 'key-help', className: 'muted small' },
    'The key stays in this browser: the scopes are opened here and the key is never sent to the node.'),
  status)
  return form
}

async function showEvent (bucket, user, cid) {
  const pane = $('event')
  if (!cid) {
    pane.replaceChildren(h('p', { className: 'muted' }, 'Open an event of the timeline.'))
    return
  }
  if (pane.dataset.cid === cid) return
  pane.dataset.cid = cid
  pane.replaceChildren(h('p', { className: 'muted' }, 'Loading and verifying…'))
  let bytes, event
  try {
    bytes = await api.eventBytes(cid)
    event = decodeEvent(bytes)
  } catch (e) {
    pane.replaceChildren(errorBox(e))
    return
  }
  let proof = null
  let proofError = null
  let checkpoints = []
  try {
    ;[proof, { checkpoints }] = await Promise.all([api.proof(cid), api.checkpoints()])
  } catch (e) {
    proofError = e
  }
  if (pane.dataset.cid !== cid) return
  let result
  if (proof) {
    result = verifyEventProof(proof, cid, state.node?.verifier_key ?? '')
    // The event shown must be the event proven, and both must be what the CID names.
    const served = cidOf(bytes).toString()
    if (served !== cid) result.checks.cid = { ok: false, detail: `the served event's bytes hash to ${served}, not ${cid}` }
    else if (result.bytes && toHex(result.bytes) !== toHex(bytes)) result.checks.cid = { ok: false, detail: 'the proof is for other bytes than the event served' }
    result.ok = Object.values(result.checks).every((c) => c.ok)
  } else {
    const served = cidOf(bytes).toString()
    result = { signature: served === cid ? verifyEventSignature(event) : { ok: false, detail: `the event's bytes hash to ${served}, not ${cid}` } }
  }
  const checkpoint = proof ? checkpoints.find((c) => c.note === proof.checkpoint) : null
  const cp = result.checks?.checkpoint?.checkpoint
  let anchor
  if (proofError) {
    anchor = { state: 'none', label: 'Not anchored', detail: 'no checkpoint seals this event yet' }
  } else if (!result.checks.checkpoint.ok) {
    anchor = { state: 'fail', label: 'Anchored on chain', detail: 'not checked: the checkpoint does not verify' }
  } else {
    anchor = await anchorCheck(cp, proof.checkpoint)
    if (pane.dataset.cid !== cid) return
  }
  const latest = checkpoints.at(-1)
  const signatureOk = (result.checks?.signature ?? result.signature).ok
  const fields = [
    ['Type', event.type], ['Event id', event.id], ['Time', time(event.ts)],
    ['CID', h('code', { className: 'wrap' }, cid)], ['Bucket', String(event.bucket)],
    ['User', h('code', { className: 'wrap' }, toHex(event.user))],
    ['Position', proof ? String(proof.position) : '—'],
    ['Previous', event.prev ? h('a', { href: link(bucket, user, event.prev.toString()), className: 'mono' }, short(event.prev.toString(), 12)) : 'none (first linked event)'],
    ['Signed', event.batch ? `in a batch of ${event.batch.size} (index ${event.batch.index})` : 'alone']
  ]
  const cards = event.scopes.map((s) => scopeCard(event, s, signatureOk))
  const sealedCards = cards.filter((c, i) => event.scopes[i].ct !== undefined)
  pane.replaceChildren(
    h('h3', { className: 'event-type' }, event.type),
    h('dl', { className: 'fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    verificationView(result, proofError, checkpoint, latest, anchor),
    h('section', { className: 'scopes-section', 'aria-label': 'Scopes' },
      h('h3', {}, `Scopes (${event.scopes.length})`), cards.length ? cards : h('p', { className: 'muted' }, 'This event has no scopes.'),
      sealedCards.length ? keyForm(sealedCards) : null))
  markCurrent()
}

// ---------------------------------------------------------------------------------------------
// Credentials: checked in this page before they are used (auth.js), then every view reloads.

let expiryTimer = null

function showCredentials (error = null) {
  const status = $('cred-status')
  const token = credentials()
  $('cred-forget').disabled = token === null && !$('cred-token').value && !$('cred-seed').value
  const parts = []
  if (error) parts.push(h('p', { className: 'error', role: 'alert', id: 'cred-error' }, error))
  if (token) {
    const expired = BigInt(Date.now()) >= token.expiresMs
    parts.push(h('div', { className: 'cred-summary', id: 'cred-summary' },
      h('strong', {}, 'Requests are signed with this token'),
      h('dl', {},
        h('dt', {}, 'Bucket'), h('dd', { 'data-field': 'bucket' }, String(token.bucket)),
        h('dt', {}, 'Operations'), h('dd', { 'data-field': 'ops' }, opsString(token.ops)),
        h('dt', {}, 'Expires'), h('dd', { 'data-field': 'expires' }, isoTime(token.expiresMs)),
        h('dt', {}, 'Subject'), h('dd', { className: 'mono', title: token.subject }, short(token.subject, 8)),
        h('dt', {}, 'Links'), h('dd', {}, String(token.links)))))
    if (expired) {
      parts.push(h('p', { className: 'error', role: 'alert', id: 'cred-expired' },
        `The token expired at ${isoTime(token.expiresMs)}: the node refuses it now. Paste a new one.`))
    }
    if (state.bucket !== null && state.bucket !== String(token.bucket)) {
      parts.push(h('p', { className: 'error', role: 'alert', id: 'cred-bucket' },
        `This token is for bucket ${token.bucket}, not bucket ${state.bucket} that is shown: ` +
        `bucket ${state.bucket} shows only if it is public.`))
    }
  }
  status.replaceChildren(...parts)
}

// Every view again, as the credentials changed.
function reload () {
  state.usersOf = null
  state.timelineOf = null
  delete $('event').dataset.cid
  route()
}

$('cred-form').addEventListener('submit', (event) => {
  event.preventDefault()
  const seed = $('cred-seed')
  try {
    const token = useCredentials($('cred-token').value, seed.value)
    seed.value = ''
    clearTimeout(expiryTimer)
    const left = Number(token.expiresMs - BigInt(Date.now()))
    if (left < 2 ** 31) expiryTimer = setTimeout(() => showCredentials(), left + 1)
  } catch (e) {
    showCredentials(`Not used: ${e.message}`)
    return
  }
  showCredentials()
  reload()
})

$('cred-forget').addEventListener('click', () => {
  const had = credentials() !== null
  forget()
  clearTimeout(expiryTimer)
  $('cred-seed').value = ''
  $('cred-token').value = ''
  showCredentials()
  $('cred-status').replaceChildren(h('p', { className: 'muted' }, 'Credentials forgotten: requests are no longer signed.'))
  $('cred-token').focus()
  if (had) reload()
})
$('cred-token').addEventListener('input', () => { $('cred-forget').disabled = false })
$('cred-seed').addEventListener('input', () => { $('cred-forget').disabled = false })

// ---------------------------------------------------------------------------------------------

function markCurrent () {
  for (const a of document.querySelectorAll('[data-bucket]')) {
    a.toggleAttribute('aria-current', a.dataset.bucket === String(state.bucket))
  }
  for (const a of document.querySelectorAll('[data-user]')) {
    a.toggleAttribute('aria-current', a.dataset.user === state.user)
  }
  for (const li of document.querySelectorAll('.tl-item')) {
    li.classList.toggle('current', li.dataset.cid === state.cid)
  }
}

function route () {
  const { bucket = null, user = null, cid = null } = parseFragment()
  Object.assign(state, { bucket, user, cid })
  if (credentials()) showCredentials()
  showUsers(bucket)
  showTimeline(bucket, user)
  showEvent(bucket, user, cid)
  markCurrent()
}

$('more').addEventListener('click', () => {
  if (state.next !== null) loadTimeline(state.bucket, state.user, state.next)
})
window.addEventListener('hashchange', route)
await showNode()
showBuckets()
route()
