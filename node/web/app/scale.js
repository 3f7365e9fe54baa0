// A strict reader of SCALE bytes (docs/chain.md, "SCALE"), as the dev chain's own decoder reads
// them: compact integers only in their shortest form and within the width asked for, byte
// strings within a stated limit, and nothing left over at the end. Every failure throws an
// Error that names what was read and the byte offset, so that a caller can report it as is.

export const kU32Max = 0xffffffffn
export const kU64Max = 0xffffffffffffffffn

export class ScaleReader {
  // `what` names the structure in error messages ("block header").
  constructor (bytes, what) {
    if (!(bytes instanceof Uint8Array)) throw new Error(`${what}: not bytes`)
    this.bytes = bytes
    this.what = what
    this.at = 0
  }

  get remaining () {
    return this.bytes.length - this.at
  }

  fail (why, at = this.at) {
    throw new Error(`${this.what}: ${why} at byte ${at}`)
  }

  raw (n) {
    if (n > this.remaining) this.fail(`truncated: ${n} bytes wanted, ${this.remaining} left`)
    const out = this.bytes.subarray(this.at, this.at + n)
    this.at += n
    return out
  }

  u8 () {
    return this.raw(1)[0]
  }

  // A Compact<u*> as a BigInt no greater than `max`.
  compact (max = kU64Max) {
    const start = this.at
    const first = this.u8()
    let value
    let least // The smallest value the mode may carry (the shortest-form rule).
    switch (first & 0b11) {
      case 0b00:
        value = BigInt(first >> 2)
        least = 0n
        break
      case 0b01:
        value = BigInt(first | (this.u8() << 8)) >> 2n
        least = 1n << 6n
        break
      case 0b10: {
        const b = this.raw(3)
        value = (BigInt(first) | (BigInt(b[0]) << 8n) | (BigInt(b[1]) << 16n) | (BigInt(b[2]) << 24n)) >> 2n
        least = 1n << 14n
        break
      }
      default: {
        const n = (first >> 2) + 4
        const b = this.raw(n)
        if (n > 8) this.fail('compact integer wider than 64 bits', start)
        value = 0n
        for (let i = 0; i < n; ++i) value |= BigInt(b[i]) << BigInt(8 * i)
        if (b[n - 1] === 0) this.fail('compact integer not in its shortest form', start)
        least = 1n << 30n
      }
    }
    if (value < least) this.fail('compact integer not in its shortest form', start)
    if (value > max) this.fail(`compact integer ${value} above ${max}`, start)
    return value
  }

  // A Vec<u8> of at most `max` bytes.
  byteString (max) {
    return this.raw(Number(this.compact(BigInt(max))))
  }

  finish () {
    if (this.remaining !== 0) this.fail(`${this.remaining} trailing bytes`)
  }
}
