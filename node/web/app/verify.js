// What the data viewer checks about an event, in the browser and with nothing but the node's
// verifier key, as docs/FORMAT.md defines it:
//   - the event's bytes hash to its CID (CIDv1, dag-cbor, BLAKE2b-256) and are canonical
//     DAG-CBOR ("Event, version 1");
//   - the user's ed25519 signature over "ddc-event-v1\n" ‖ unsigned encoding, or for a
//     batch-signed event over "ddc-batch-v1\n" ‖ size ‖ the root its path leads to;
//   - the RFC 9162 timeline path from the event's CID to the timeline root at position + 1,
//     and the journal path from the journal leaf (bucket, user, position, CID, that root) to
//     the checkpoint's root ("Timelines and the journal", "Event proof");
//   - the checkpoint, a C2SP signed note, signed by the node's verifier key ("Checkpoint");
//   - where the checkpoint is anchored on the chain: an anchor proof (docs/chain.md, "Anchors")
//     checked as ddc::chain::VerifyAnchorProof checks it, with the chain authority's key.
// Every check returns {ok, detail} or throws nothing: a failure is a result, not an exception.
import * as dagCbor from '@ipld/dag-cbor'
import * as ed from '@noble/ed25519'
import { blake2b } from '@noble/hashes/blake2.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

import { concat, equal, fromBase64, toHex, uintLE, utf8 } from './bytes.js'
import { kU32Max, ScaleReader } from './scale.js'

ed.hashes.sha512 = sha512

export const kDagCbor = 0x71
export const kBlake2b256 = 0xb220
const kEventDomain = utf8('ddc-event-v1\n')
const kBatchDomain = utf8('ddc-batch-v1\n')
const kMaxProofHashes = 64

// The CID of `bytes` with `codec` (dag-cbor for events).
export function cidOf (bytes, codec = kDagCbor) {
  return CID.createV1(codec, Digest.create(kBlake2b256, blake2b(bytes, { dkLen: 32 })))
}

// Decodes an encoded event; throws unless it is DAG-CBOR in its one canonical form with the
// keys of an event version 1. Byte strings are Uint8Array; `prev` is a multiformats CID.
export function decodeEvent (bytes) {
  const event = dagCbor.decode(bytes)
  if (!equal(dagCbor.encode(event), bytes)) {
    throw new Error('the event is not in its canonical DAG-CBOR form')
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new Error('the event is not a map')
  }
  if (event.v !== 1) throw new Error(`event version ${event.v}, want 1`)
  for (const key of ['id', 'type']) {
    if (typeof event[key] !== 'string') throw new Error(`event ${key} is missing`)
  }
  if (!(event.user instanceof Uint8Array) || event.user.length !== 32) {
    throw new Error('event user is not a 32-byte key')
  }
  if (!(event.sig instanceof Uint8Array) || event.sig.length !== 64) {
    throw new Error('event sig is not a 64-byte signature')
  }
  if (!Array.isArray(event.scopes)) throw new Error('event scopes are missing')
  return event
}

// The bytes a single-signed event's signature covers.
export function signingBytes (event) {
  const unsigned = { ...event }
  delete unsigned.sig
  delete unsigned.batch
  return concat(kEventDomain, dagCbor.encode(unsigned))
}

export const leafHash = (data) => sha256(concat(Uint8Array.of(0), data))
export const nodeHash = (left, right) => sha256(concat(Uint8Array.of(1), left, right))

// RFC 9162 2.1.3.2: the root that `path` leads to from leaf `index` (a hash) in a tree of
// `size` leaves; throws for an index outside the tree or a path of the wrong length.
export function rootFromInclusionPath (index, size, leaf, path) {
  let fn = BigInt(index)
  let sn = BigInt(size) - 1n
  if (fn > sn) throw new Error(`leaf ${index} is not in a tree of ${size}`)
  if (path.length > kMaxProofHashes) throw new Error(`${path.length} hashes is too long a path`)
  let r = leaf
  for (const p of path) {
    if (sn === 0n) throw new Error('the path is longer than the tree is deep')
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r)
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n
        sn >>= 1n
      }
    } else {
      r = nodeHash(r, p)
    }
    fn >>= 1n
    sn >>= 1n
  }
  if (sn !== 0n) throw new Error('the path is shorter than the tree is deep')
  return r
}

// The user's signature: {ok, detail}.
export function verifyEventSignature (event) {
  try {
    let message
    if (event.batch) {
      const { index, size, path, root } = event.batch
      const unsignedCid = cidOf(signingBytes(event).subarray(kEventDomain.length))
      const got = rootFromInclusionPath(index, size, leafHash(unsignedCid.bytes), path)
      if (!equal(got, root)) {
        return { ok: false, detail: `the batch path does not lead to the batch root (index ${index} of ${size})` }
      }
      message = concat(kBatchDomain, uintLE(size, 8), root)
    } else {
      message = signingBytes(event)
    }
    const ok = ed.verify(event.sig, message, event.user, { zip215: false })
    const what = event.batch ? `batch signature (${event.batch.size} events)` : 'signature'
    return ok
      ? { ok: true, detail: `${what} by user ${toHex(event.user).slice(0, 16)}… verifies` }
      : { ok: false, detail: `the ${what} does not verify for user ${toHex(event.user)}` }
  } catch (e) {
    return { ok: false, detail: e.message }
  }
}

// A C2SP verifier key "name+hex(keyID)+base64(01 ‖ key)": {name, keyId, publicKey}.
export function parseVerifierKey (text) {
  // The key name has no '+'; base64 may.
  const parts = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(text)?.slice(1)
  if (!parts) throw new Error(`verifier key "${text}" is not name+keyid+base64`)
  const raw = fromBase64(parts[2])
  if (raw.length !== 33 || raw[0] !== 1) throw new Error('verifier key is not an Ed25519 key')
  const publicKey = raw.subarray(1)
  const keyId = sha256(concat(utf8(parts[0]), Uint8Array.of(0x0a, 0x01), publicKey)).subarray(0, 4)
  if (toHex(keyId) !== parts[1]) throw new Error('verifier key: the key ID does not match the key')
  return { name: parts[0], keyId, publicKey }
}

// Checks a C2SP signed note against `verifierKey` (a string) and returns its signed body
// (the text up to its last blank line); throws when no signature line by that key verifies,
// or one by that key fails. Lines of other keys are ignored, as the signed-note spec says.
export function verifyNote (note, verifierKey) {
  const key = parseVerifierKey(verifierKey)
  if (!note.endsWith('\n')) throw new Error('the note does not end in a newline')
  const split = note.lastIndexOf('\n\n')
  if (split < 0) throw new Error('no blank line before the signatures')
  const body = note.slice(0, split + 1)
  let verified = 0
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line)
    if (!match) throw new Error(`bad signature line "${line}"`)
    const raw = fromBase64(match[2])
    if (raw.length < 5) throw new Error(`signature line "${line}" is too short`)
    if (match[1] !== key.name || !equal(raw.subarray(0, 4), key.keyId)) continue
    if (raw.length !== 68 || !ed.verify(raw.subarray(4), utf8(body), key.publicKey, { zip215: false })) {
      throw new Error(`bad signature by ${key.name}+${toHex(key.keyId)}`)
    }
    ++verified
  }
  if (verified === 0) throw new Error(`no signature by key ${key.name}+${toHex(key.keyId)}`)
  return body
}

// Parses a checkpoint note and checks its signature by `verifierKey`. Returns
// {ok, detail, checkpoint: {origin, size (BigInt), root, timeMs}}.
export function verifyCheckpoint (note, verifierKey) {
  try {
    const body = verifyNote(note, verifierKey)
    const fields = body.slice(0, -1).split('\n')
    if (fields.length < 4 || !/^(0|[1-9][0-9]*)$/.test(fields[1]) ||
        !/^ddc-time (0|[1-9][0-9]*)$/.test(fields[3])) {
      throw new Error('the note is not a ddc checkpoint (origin, size, root, ddc-time)')
    }
    const root = fromBase64(fields[2])
    if (root.length !== 32) throw new Error('the checkpoint root is not 32 bytes')
    const checkpoint = {
      origin: fields[0],
      size: BigInt(fields[1]),
      root,
      timeMs: Number(fields[3].slice('ddc-time '.length))
    }
    return { ok: true, detail: `signed by ${verifierKey.slice(0, verifierKey.indexOf('+', verifierKey.indexOf('+') + 1))}`, checkpoint }
  } catch (e) {
    return { ok: false, detail: e.message }
  }
}

// The 119-byte journal leaf data, version 1.
export function journalLeafData (bucket, user, position, cid, timelineRoot) {
  return concat(Uint8Array.of(1), uintLE(bucket, 8), user, uintLE(position, 8), cid.bytes,
    timelineRoot)
}

// Checks an event proof (the JSON of GET /v1/events/{cid}/proof) for the event `cid` (a
// string) against `verifierKey`, in the order of ddc::VerifyEventProof. Returns
// {ok, event, checks: {cid, signature, timeline, journal, checkpoint}} with {ok, detail} each
// (a check that could not run for an earlier failure is {ok: false, detail: ...}).
export function verifyEventProof (proof, cid, verifierKey) {
  const skipped = (why) => ({ ok: false, detail: `not checked: ${why}` })
  const checks = {}
  const cp = verifyCheckpoint(proof.checkpoint, verifierKey)
  checks.checkpoint = { ok: cp.ok, detail: cp.detail, checkpoint: cp.checkpoint }
  let event = null
  let bytes
  try {
    bytes = fromBase64(proof.event)
    const got = cidOf(bytes).toString()
    event = decodeEvent(bytes)
    checks.cid = got === cid
      ? { ok: true, detail: `the event's ${bytes.length} bytes hash to ${got}` }
      : { ok: false, detail: `the event's bytes hash to ${got}, not ${cid}` }
  } catch (e) {
    checks.cid = { ok: false, detail: `the proof's event does not decode: ${e.message}` }
  }
  checks.signature = event ? verifyEventSignature(event) : skipped('no event')
  let timelineRoot = null
  if (event && checks.cid.ok) {
    try {
      const path = proof.timeline_path.map(hexHash)
      timelineRoot = rootFromInclusionPath(proof.position, BigInt(proof.position) + 1n,
        leafHash(CID.parse(cid).bytes), path)
      checks.timeline = {
        ok: true,
        detail: `position ${proof.position}: ${path.length} hashes lead to timeline root ` +
          `${toHex(timelineRoot).slice(0, 16)}…`
      }
    } catch (e) {
      checks.timeline = { ok: false, detail: e.message }
    }
  } else {
    checks.timeline = skipped('the event is not the one asked for')
  }
  if (timelineRoot && cp.ok) {
    try {
      const leaf = leafHash(journalLeafData(event.bucket, event.user, proof.position,
        CID.parse(cid), timelineRoot))
      const path = proof.journal_path.map(hexHash)
      const root = rootFromInclusionPath(proof.journal_index, cp.checkpoint.size, leaf, path)
      checks.journal = equal(root, cp.checkpoint.root)
        ? { ok: true, detail: `journal entry ${proof.journal_index} is in the checkpoint of size ${cp.checkpoint.size}` }
        : { ok: false, detail: `the journal path leads to ${toHex(root).slice(0, 16)}…, not to the checkpoint's root` }
    } catch (e) {
      checks.journal = { ok: false, detail: e.message }
    }
  } else {
    checks.journal = skipped(timelineRoot ? 'the checkpoint does not verify' : 'no timeline root')
  }
  // The timeline root is trusted only as far as the journal leaf commits to it.
  if (checks.timeline.ok && !checks.journal.ok) {
    checks.timeline = {
      ok: false,
      detail: `${checks.timeline.detail}, which the checkpointed journal does not confirm`
    }
  }
  const ok = Object.values(checks).every((c) => c.ok)
  return { ok, event, bytes, checks }
}

function hexHash (hex) {
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`"${hex}" is not a 32-byte hash in hex`)
  }
  return Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16))
}

// ---------------------------------------------------------------------------------------------
// Anchors on the dev chain (docs/chain.md): the limits and shapes its decoders enforce.

const kMaxBlockExtrinsics = 4096
const kMaxExtrinsicBytes = 64 << 10
const kMaxRemarkBytes = 4096
const kDigestSeal = 0x05
const kEngineId = utf8('ddev')
const kSignedVersion = 0x84
const kUnsignedVersion = 0x04
const kCallNames = {
  '0.0': 'System.remark',
  '0.7': 'System.remark_with_event',
  '1.0': 'Timestamp.set',
  '2.0': 'Balances.transfer_allow_death',
  '2.8': 'Balances.force_set_balance',
  '3.3': 'Sudo.sudo_as'
}
const callName = (pallet, index) => kCallNames[`${pallet}.${index}`] ?? `call ${pallet}.${index}`
const blake2b256 = (bytes) => blake2b(bytes, { dkLen: 32 })

// Lower-case hex of whole bytes (what the node writes), `length` bytes when given.
function hexBytes (value, what, length) {
  if (typeof value !== 'string' || value.length % 2 !== 0 || !/^[0-9a-f]*$/.test(value)) {
    throw new Error(`${what} is not lower-case hex of whole bytes`)
  }
  if (length !== undefined && value.length !== 2 * length) {
    throw new Error(`${what} is ${value.length / 2} bytes, not ${length}`)
  }
  return Uint8Array.from(value.match(/../g) ?? [], (h) => parseInt(h, 16))
}

// A sealed dev-chain header: {number, extrinsicsRoot, seal, unsealed}, where `unsealed` is the
// header encoded with an empty digest (the bytes the seal signs the hash of). The compact
// number is read in its shortest form only, so the bytes before the digest are its encoding.
function decodeHeader (bytes) {
  const r = new ScaleReader(bytes, 'block header')
  r.raw(32) // parent hash
  const number = Number(r.compact(kU32Max))
  r.raw(32) // state root
  const extrinsicsRoot = r.raw(32)
  const digestAt = r.at
  if (r.compact(1n) !== 1n) r.fail('the digest does not hold exactly one seal', digestAt)
  if (r.u8() !== kDigestSeal) r.fail('the digest item is not a seal', r.at - 1)
  if (!equal(r.raw(4), kEngineId)) r.fail('the seal engine id is not "ddev"', r.at - 4)
  const seal = r.byteString(64)
  if (seal.length !== 64) r.fail(`the seal is ${seal.length} bytes, not 64`)
  r.finish()
  return { number, extrinsicsRoot, seal, unsealed: concat(bytes.subarray(0, digestAt), Uint8Array.of(0)) }
}

// A version-4 extrinsic (with its length prefix): {signer (null when unsigned), call}.
function decodeExtrinsic (bytes, what) {
  const outer = new ScaleReader(bytes, what)
  const body = outer.byteString(kMaxExtrinsicBytes)
  outer.finish()
  const r = new ScaleReader(body, `${what} (body)`)
  const version = r.u8()
  let signer = null
  if (version === kSignedVersion) {
    if (r.u8() !== 0) r.fail('the signer is not a MultiAddress::Id', r.at - 1)
    signer = r.raw(32)
    if (r.u8() !== 0) r.fail('the signature is not MultiSignature::Ed25519', r.at - 1)
    r.raw(64)
    readEra(r)
    r.compact(kU32Max) // nonce
    r.compact() // tip
  } else if (version !== kUnsignedVersion) {
    r.fail(`version byte 0x${version.toString(16).padStart(2, '0')} (want 0x84 or 0x04)`, 0)
  }
  if (r.remaining < 2) r.fail('the call is shorter than its two index bytes')
  return { signer, call: r.raw(r.remaining) }
}

function readEra (r) {
  const start = r.at
  const first = r.u8()
  if (first === 0) return // Immortal.
  const encoded = first | (r.u8() << 8)
  const period = 2 ** ((encoded % 16) + 1)
  const quantize = Math.max(Math.floor(period / 4096), 1)
  const phase = (encoded >> 4) * quantize
  if (period < 4 || phase >= period) r.fail('invalid mortal era', start)
}

// The arguments of a call after its two index bytes, checked to be `pallet`.`index`.
function callArguments (call, what, pallet, index) {
  if (call[0] !== pallet || call[1] !== index) {
    throw new Error(`${what} is ${callName(call[0], call[1])}, not ${callName(pallet, index)}`)
  }
  return new ScaleReader(call.subarray(2), `${what}'s ${callName(pallet, index)}`)
}

// Checks an anchor proof (the JSON of GET /v1/checkpoints/{size}/anchor or POST /v1/anchors)
// as ddc::chain::VerifyAnchorProof does: `note` (the checkpoint note, a string) was anchored by
// `submitterHex` (the node key) in a block sealed by `authorityHex` (the chain authority), both
// 32-byte keys in hex. The block is the one the proof shows, and the answer's own claims about
// it (block number, hash and time, extrinsic index and hash) must agree. Returns
// {ok, detail, block: {number, hash (hex), timeMs}, index, count}; block is null on failure.
export function verifyAnchor (anchorResponse, note, authorityHex, submitterHex) {
  try {
    return { ok: true, ...checkAnchor(anchorResponse, note, authorityHex, submitterHex) }
  } catch (e) {
    return { ok: false, detail: e.message, block: null }
  }
}

function checkAnchor (response, note, authorityHex, submitterHex) {
  const authority = hexBytes(authorityHex, 'the authority key', 32)
  const submitter = hexBytes(submitterHex, 'the submitter key', 32)
  if (typeof note !== 'string' || note.length === 0) throw new Error('no checkpoint note to look for')
  const proof = response?.proof
  if (proof === null || typeof proof !== 'object') throw new Error('the answer holds no anchor proof')

  const headerBytes = hexBytes(proof.header, 'proof.header')
  const header = decodeHeader(headerBytes)
  let sealed
  try {
    sealed = ed.verify(header.seal, blake2b256(header.unsealed), authority, { zip215: false })
  } catch (e) {
    throw new Error(`the seal of block ${header.number} does not verify: ${e.message}`)
  }
  if (!sealed) {
    throw new Error(`the seal of block ${header.number} does not verify for authority ${authorityHex.slice(0, 16)}…`)
  }
  const blockHash = toHex(blake2b256(headerBytes))

  const { count, index } = proof
  if (!Number.isSafeInteger(count) || count < 1 || count > kMaxBlockExtrinsics) {
    throw new Error(`proof.count ${count} is not 1..${kMaxBlockExtrinsics}`)
  }
  if (!Number.isSafeInteger(index) || index < 1 || index >= count) {
    throw new Error(`proof.index ${index} is not an extrinsic after the timestamp (1..${count - 1})`)
  }
  const included = (extrinsic, at, path, what) => {
    if (!Array.isArray(path)) throw new Error(`${what}: the path is not a list`)
    let root
    try {
      root = rootFromInclusionPath(at, count, leafHash(blake2b256(extrinsic)), path.map(hexHash))
    } catch (e) {
      throw new Error(`${what}: ${e.message}`)
    }
    if (!equal(root, header.extrinsicsRoot)) {
      throw new Error(`${what} is not in block ${header.number}: its path (index ${at} of ${count}) ` +
        `leads to ${toHex(root).slice(0, 16)}…, not to the header's extrinsics root`)
    }
  }
  const extrinsic = hexBytes(proof.extrinsic, 'proof.extrinsic')
  const timeExtrinsic = hexBytes(proof.time_extrinsic, 'proof.time_extrinsic')
  included(extrinsic, index, proof.path, 'the anchoring extrinsic')
  included(timeExtrinsic, 0, proof.time_path, 'the timestamp')

  const time = decodeExtrinsic(timeExtrinsic, 'the timestamp')
  if (time.signer) throw new Error('the block\'s first extrinsic is signed, not the timestamp')
  const timeArgs = callArguments(time.call, 'the block\'s first extrinsic', 1, 0)
  const timeMs = timeArgs.compact()
  timeArgs.finish()
  if (timeMs > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`block time ${timeMs} ms is out of range`)

  const anchoring = decodeExtrinsic(extrinsic, 'the anchoring extrinsic')
  if (!anchoring.signer) throw new Error('the anchoring extrinsic is not signed')
  if (!equal(anchoring.signer, submitter)) {
    throw new Error(`the anchoring extrinsic is signed by ${toHex(anchoring.signer).slice(0, 16)}…, ` +
      `not by the expected key ${submitterHex.slice(0, 16)}…`)
  }
  const remarkArgs = callArguments(anchoring.call, 'the anchoring extrinsic', 0, 7)
  const remark = remarkArgs.byteString(kMaxRemarkBytes)
  if (remark.length === 0) remarkArgs.fail('empty remark')
  remarkArgs.finish()
  if (!equal(remark, utf8(note))) throw new Error('the anchored bytes are not this checkpoint\'s note')

  const block = { number: header.number, hash: blockHash, timeMs: Number(timeMs) }
  const claimed = response.anchor
  const mismatch = (what, got, want) => {
    if (got !== want) throw new Error(`the answer says ${what} ${got}, the proof shows ${want}`)
  }
  if (claimed === null || typeof claimed !== 'object' || claimed.block === null || typeof claimed.block !== 'object') {
    throw new Error('the answer does not say where the checkpoint is anchored')
  }
  mismatch('block number', claimed.block.number, block.number)
  mismatch('block hash', claimed.block.hash, block.hash)
  mismatch('block time', claimed.block.time_ms, block.timeMs)
  mismatch('extrinsic index', claimed.index, index)
  mismatch('extrinsic hash', claimed.extrinsic_hash, toHex(blake2b256(extrinsic)))
  mismatch('submitter', claimed.submitter, toHex(submitter))
  return {
    detail: `block ${block.number} (${block.hash.slice(0, 16)}…), sealed by authority ` +
      `${authorityHex.slice(0, 16)}…, holds the checkpoint as extrinsic ${index} of ${count} ` +
      `signed by ${submitterHex.slice(0, 16)}…`,
    block,
    index,
    count
  }
}
