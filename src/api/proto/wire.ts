// Protobuf wire format reader: varints (64-bit safe through BigInt), fixed32/64 and
// length-delimited fields. Truncated or malformed input throws WireError.

export class WireError extends Error {}

export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export interface WireField {
  number: number;
  wireType: number;
  /** varint and fixed64: the raw 64-bit value; fixed32: the raw 32-bit value; bytes: the payload. */
  value: bigint | Uint8Array;
}

export class WireReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf[this.pos++];
      if (byte === undefined) throw new WireError("truncated varint");
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw new WireError("varint longer than 10 bytes");
  }

  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) throw new WireError("truncated field");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  fixed(n: 4 | 8): bigint {
    const bytes = this.take(n);
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
    return v;
  }

  /** The next field, or undefined at the end of the buffer. */
  next(): WireField | undefined {
    if (this.done) return undefined;
    const key = this.varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) throw new WireError("field number 0");
    switch (wireType) {
      case WireType.varint:
        return { number, wireType, value: this.varint() };
      case WireType.fixed64:
        return { number, wireType, value: this.fixed(8) };
      case WireType.bytes:
        return { number, wireType, value: this.take(Number(this.varint())) };
      case WireType.fixed32:
        return { number, wireType, value: this.fixed(4) };
      default:
        throw new WireError(`unsupported wire type ${wireType}`);
    }
  }
}

/** Reinterprets a fixed64 as an IEEE double, a fixed32 as a float. */
export function fixedToFloat(value: bigint, bytes: 4 | 8): number {
  const view = new DataView(new ArrayBuffer(8));
  if (bytes === 8) {
    view.setBigUint64(0, value, true);
    return view.getFloat64(0, true);
  }
  view.setUint32(0, Number(value), true);
  return view.getFloat32(0, true);
}
