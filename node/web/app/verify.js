// What the data viewer checks about an event, in the browser and with nothing but the node's
// verifier key, as docs/FORMAT.md defines it:
//   - the event's bytes hash to its CID (CIDv1, dag-cbor, BLAKE2b-256) and are canonical
//     DAG-CBOR ("Event, version 1");
//   - the user's ed25519 signature over "ddc-event-v1\n" ‖ unsigned encoding, or for a
//     batch-signed event over "ddc-batch-v1\n" ‖ size ‖ the root its path leads to;
//   - the RFC 9162 timeline path from the event's CID to the timeline root at position + 1,
//     and the journal path from the journal leaf (bucket, user, position, CID, that root) to
//     the checkpoint's root ("Timelines and the journal", "Event proof");
//   - the checkpoint, a C2SP signed note, signed by the node's verifier key ("Checkpoint").
// Every check returns {ok, detail} or throws nothing: a failure is a result, not an exception.
import * as dagCbor from '@ipld/dag-cbor'
import * as ed from '@noble/ed25519'
import { blake2b } from '@noble/hashes/blake2.js'
import { sha256, sha512 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'

import { concat, equal, fromBase64, toHex, uintLE, utf8 } from './bytes.js'

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
