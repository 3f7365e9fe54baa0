// Credentials of the data viewer: an access token and the ed25519 seed of its final subject,
// with which every API request is signed (docs/FORMAT.md "Access token, version 1" and
// "Signed request, version 1").
//
// The token is decoded and checked here, before any request: each link canonical DAG-CBOR with
// the keys of version 1 and a valid signature by its issuer, the chain rules (one bucket, each
// link issued by the subject before it, which may delegate, and no wider than it), the seed's
// public key equal to the final subject, and the expiry still ahead. The node checks the rest
// (the root is the bucket's owner) and the clock again.
//
// The seed stays in this module's memory: it is never put in the URL, in storage or in a
// request. Only signatures leave the browser. forget() drops it.
import * as dagCbor from '@ipld/dag-cbor'
import * as ed from '@noble/ed25519'
import { blake2b } from '@noble/hashes/blake2.js'
import { sha512 } from '@noble/hashes/sha2.js'

import { concat, equal, fromBase64, fromHex, toBase64, toHex, utf8 } from './bytes.js'

ed.hashes.sha512 = sha512

const kLinkDomain = utf8('ddc-auth-link-v1\n')
const kRequestDomain = 'ddc-request-v1\n'
const kLinkKeys = ['v', 'by', 'ex', 'op', 'to', 'del', 'sig', 'bucket']
const kMaxLinks = 8
const kMaxLinkBytes = 512
const kMaxTokenChars = 4096
export const kOpNames = ['read', 'write', 'seal', 'open']

export const opsString = (ops) => kOpNames.filter((_, i) => (ops & (1 << i)) !== 0).join(',')

const asBig = (value, what) => {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value)
  throw new Error(`${what} is not an unsigned integer`)
}

// One link's bytes -> its fields; throws unless it is a valid version 1 link with a good
// signature.
function decodeLink (bytes, n) {
  const where = `link ${n}`
  if (bytes.length > kMaxLinkBytes) throw new Error(`${where} is over ${kMaxLinkBytes} bytes`)
  let map
  try {
    map = dagCbor.decode(bytes)
  } catch (e) {
    throw new Error(`${where} is not DAG-CBOR: ${e.message}`)
  }
  if (map === null || typeof map !== 'object' || Array.isArray(map) || map instanceof Uint8Array) {
    throw new Error(`${where} is not a map`)
  }
  if (!equal(dagCbor.encode(map), bytes)) throw new Error(`${where} is not in its canonical form`)
  const keys = Object.keys(map)
  if (keys.length !== kLinkKeys.length || !kLinkKeys.every((k) => keys.includes(k))) {
    throw new Error(`${where} has keys ${keys.join(', ')}, want ${kLinkKeys.join(', ')}`)
  }
  for (const [key, size] of [['by', 32], ['to', 32], ['sig', 64]]) {
    if (!(map[key] instanceof Uint8Array) || map[key].length !== size) {
      throw new Error(`${where}: ${key} is not ${size} bytes`)
    }
  }
  const link = {
    version: asBig(map.v, `${where}: v`),
    issuer: map.by,
    subject: map.to,
    expiresMs: asBig(map.ex, `${where}: ex`),
    ops: Number(asBig(map.op, `${where}: op`)),
    delegate: asBig(map.del, `${where}: del`),
    bucket: asBig(map.bucket, `${where}: bucket`)
  }
  if (link.version !== 1n) throw new Error(`${where}: version ${link.version}, want 1`)
  if (link.expiresMs === 0n) throw new Error(`${where}: expiry 0`)
  if (link.ops < 1 || link.ops > 15) throw new Error(`${where}: operations ${link.ops} are not a set of read, write, seal, open`)
  if (link.delegate > 1n) throw new Error(`${where}: del is ${link.delegate}, not 0 or 1`)
  const unsigned = { ...map }
  delete unsigned.sig
  let ok = false
  try {
    ok = ed.verify(map.sig, concat(kLinkDomain, dagCbor.encode(unsigned)), map.by, { zip215: false })
  } catch {}
  if (!ok) throw new Error(`${where}: the signature by ${toHex(map.by)} does not verify`)
  return link
}

// The text form (base64 links joined by '.') -> what the chain grants:
// {bucket (BigInt), rootIssuer, subject (hex), ops, expiresMs (BigInt), links}. Throws with
// the first fault.
export function parseToken (text) {
  const token = text.trim().replace(/^DDC\s+/, '')
  if (token.length === 0) throw new Error('the token is empty')
  if (token.length > kMaxTokenChars) throw new Error(`the token is over ${kMaxTokenChars} characters`)
  const parts = token.split('.')
  if (parts.length > kMaxLinks) throw new Error(`the token has ${parts.length} links, at most ${kMaxLinks}`)
  const links = parts.map((part, i) => {
    let bytes
    try {
      bytes = fromBase64(part)
    } catch (e) {
      throw new Error(`link ${i + 1} is ${e.message}`)
    }
    return decodeLink(bytes, i + 1)
  })
  for (let i = 1; i < links.length; ++i) {
    const [before, link] = [links[i - 1], links[i]]
    const where = `link ${i + 1}`
    if (link.bucket !== before.bucket) throw new Error(`${where} is for bucket ${link.bucket}, link ${i} for ${before.bucket}`)
    if (!equal(link.issuer, before.subject)) throw new Error(`${where} is not issued by the subject of link ${i}`)
    if (before.delegate !== 1n) throw new Error(`${where}: link ${i} does not allow delegation`)
    if ((link.ops & ~before.ops) !== 0) throw new Error(`${where} widens the operations of link ${i}`)
    if (link.expiresMs > before.expiresMs) throw new Error(`${where} expires later than link ${i}`)
  }
  const last = links.at(-1)
  return {
    text: token,
    bucket: last.bucket,
    rootIssuer: toHex(links[0].issuer),
    subject: toHex(last.subject),
    ops: last.ops,
    expiresMs: links.reduce((m, l) => (l.expiresMs < m ? l.expiresMs : m), last.expiresMs),
    links: links.length
  }
}

// ---------------------------------------------------------------------------------------------
// The credentials in use. `seed` never leaves this closure.

let current = null // {token (parseToken's result), seed}
let lastTimeMs = 0
const kEmptyBodyHash = toHex(blake2b(new Uint8Array(0), { dkLen: 32 }))

// Checks the token and the seed (hex) and, when they fit, uses them for every request from now
// on; returns the token's summary. Throws, keeping the credentials in use before, otherwise.
export function useCredentials (tokenText, seedHex, nowMs = Date.now()) {
  const token = parseToken(tokenText)
  let seed
  try {
    seed = fromHex(seedHex)
  } catch (e) {
    throw new Error(`The seed is ${e.message}.`)
  }
  if (seed.length !== 32) throw new Error(`The seed is 32 bytes (64 hex digits), not ${seed.length} bytes.`)
  const publicKey = toHex(ed.getPublicKey(seed))
  if (publicKey !== token.subject) {
    seed.fill(0)
    throw new Error(`This seed's public key ${publicKey} is not the token's subject ${token.subject}: ` +
      'paste the seed of the key the token was issued to.')
  }
  if (BigInt(nowMs) >= token.expiresMs) {
    seed.fill(0)
    throw new Error(`The token expired at ${isoTime(token.expiresMs)}: ask its issuer for a new one.`)
  }
  forget()
  current = { token, seed }
  return token
}

export function forget () {
  if (current) current.seed.fill(0)
  current = null
}

// The token's summary (no seed), or null.
export const credentials = () => (current ? current.token : null)

export const isoTime = (ms) => new Date(Number(ms)).toISOString().replace('T', ' ').replace('Z', ' UTC')

// The bytes a request signature covers.
export function requestSigningBytes (method, target, timeMs, body) {
  const bodyHash = body && body.length ? toHex(blake2b(body, { dkLen: 32 })) : kEmptyBodyHash
  return utf8(`${kRequestDomain}${method}\n${target}\n${timeMs}\n${bodyHash}`)
}

// Headers that authenticate one request (method, target as sent: path and query), or {} without
// credentials. Each call takes a later X-DDC-Time than the one before, so no two requests share
// a signature (the node refuses a replay).
export function signedHeaders (method, target, body = null) {
  if (!current) return {}
  const timeMs = Math.max(Date.now(), lastTimeMs + 1)
  lastTimeMs = timeMs
  const signature = ed.sign(requestSigningBytes(method, target, timeMs, body), current.seed)
  return {
    Authorization: `DDC ${current.token.text}`,
    'X-DDC-Time': String(timeMs),
    'X-DDC-Signature': toBase64(signature)
  }
}
