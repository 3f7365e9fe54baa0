// Byte helpers of the data viewer: hex, base64, UTF-8 and little-endian integers.

const kHex = '0123456789abcdef'

export function toHex (bytes) {
  let out = ''
  for (const b of bytes) out += kHex[b >> 4] + kHex[b & 15]
  return out
}

// Lower- or upper-case hex of whole bytes; throws on anything else.
export function fromHex (text) {
  const hex = text.trim()
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error('not hex (digits 0-9 and a-f, two per byte)')
  }
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

// Standard base64 (RFC 4648 section 4, padded), canonical only: it must re-encode to itself.
export function fromBase64 (text) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error('not standard padded base64')
  }
  const binary = atob(text)
  const out = Uint8Array.from(binary, (c) => c.charCodeAt(0))
  if (toBase64(out) !== text) throw new Error('not canonical base64')
  return out
}

export function toBase64 (bytes) {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

export const utf8 = (text) => new TextEncoder().encode(text)
export const fromUtf8 = (bytes) => new TextDecoder('utf-8', { fatal: true }).decode(bytes)

export function concat (...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export function equal (a, b) {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; ++i) diff |= a[i] ^ b[i]
  return diff === 0
}

// Unsigned little-endian integers of `bytes` bytes from a number or BigInt.
export function uintLE (value, bytes) {
  let v = BigInt(value)
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new Error(`${value} does not fit ${bytes} bytes`)
  const out = new Uint8Array(bytes)
  for (let i = 0; i < bytes; ++i) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}
