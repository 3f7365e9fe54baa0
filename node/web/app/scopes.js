// Opening an event's scopes in the browser (docs/FORMAT.md "Scope keys and sealing",
// "Compression"): a scope key is derived from a (bucket, user) master key with keyed BLAKE2b,
// a sealed scope opens with XChaCha20-Poly1305 under that key and the associated data rebuilt
// from the event, and `comp = 1` plaintext is one zstd frame. Keys stay in this module: nothing
// here talks to the network.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { blake2b } from '@noble/hashes/blake2.js'
import { decompress } from 'fzstd'

import { concat, fromUtf8, uintLE, utf8 } from './bytes.js'

const kScopeKeyDomain = utf8('ddc-scope-key-v1\n')
const kScopeAdDomain = utf8('ddc-scope-ad-v1\n')
export const kMaxScopePlaintextBytes = 16 << 20

// DeriveScopeKey(master, name, key_version).
export function deriveScopeKey (master, name, keyVersion) {
  if (master.length !== 32) throw new Error('a master key is 32 bytes (64 hex digits)')
  return blake2b(concat(kScopeKeyDomain, uintLE(keyVersion, 4), utf8(name)),
    { key: master, dkLen: 32 })
}

// ScopeAssociatedData: what a sealed scope is bound to.
export function scopeAssociatedData (bucket, user, eventId, name, keyVersion, compression) {
  const id = utf8(eventId)
  const n = utf8(name)
  if (id.length < 1 || id.length > 128) throw new Error('event id out of 1..128 bytes')
  if (n.length < 1 || n.length > 64) throw new Error('scope name out of 1..64 bytes')
  return concat(kScopeAdDomain, uintLE(bucket, 8), user, Uint8Array.of(id.length), id,
    Uint8Array.of(n.length), n, uintLE(keyVersion, 4), Uint8Array.of(compression))
}

// The content size a zstd frame header records; throws when it records none or is not a frame.
export function zstdContentSize (frame) {
  if (frame.length < 5 || frame[0] !== 0x28 || frame[1] !== 0xb5 || frame[2] !== 0x2f ||
      frame[3] !== 0xfd) {
    throw new Error('zstd: not a zstd frame (bad magic number or header)')
  }
  const descriptor = frame[4]
  const singleSegment = (descriptor >> 5) & 1
  const fcsBytes = [singleSegment, 2, 4, 8][descriptor >> 6]
  if (fcsBytes === 0) throw new Error('zstd: the frame does not record its content size')
  const at = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]
  if (frame.length < at + fcsBytes) throw new Error('zstd: the frame header is cut short')
  let size = 0n
  for (let i = fcsBytes - 1; i >= 0; --i) size = (size << 8n) | BigInt(frame[at + i])
  if (fcsBytes === 2) size += 256n
  if (size > BigInt(kMaxScopePlaintextBytes)) {
    throw new Error(`zstd: the frame claims ${size} bytes, more than the cap of ${kMaxScopePlaintextBytes}`)
  }
  return Number(size)
}

// A scope's stored (or opened) bytes as the JSON object they hold.
export function scopeJson (bytes, compression) {
  let plain = bytes
  if (compression === 1) {
    const size = zstdContentSize(bytes)
    plain = decompress(bytes, new Uint8Array(size))
    if (plain.length !== size) {
      throw new Error(`zstd: the frame decompressed to ${plain.length} bytes, not the ${size} it claims`)
    }
  } else if (compression !== 0) {
    throw new Error(`unknown compression ${compression}`)
  }
  const value = JSON.parse(fromUtf8(plain))
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('plaintext: is not a JSON object')
  }
  return value
}

// Opens sealed scope `scope` (the event's map: name, kv, comp, nonce, ct) of `event` with a
// 32-byte scope key. Returns the plaintext bytes, or null when the tag does not verify (a wrong
// key, or altered bytes: the event's signature tells which).
export function openScope (scopeKey, event, scope) {
  const ad = scopeAssociatedData(event.bucket, event.user, event.id, scope.name, scope.kv,
    scope.comp)
  try {
    return xchacha20poly1305(scopeKey, scope.nonce, ad).decrypt(scope.ct)
  } catch {
    return null
  }
}
