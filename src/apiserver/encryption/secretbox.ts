// NaCl secretbox (XSalsa20-Poly1305), which Node's crypto lacks: the `secretbox` provider's
// cipher. Output is the 16-byte Poly1305 tag followed by the ciphertext, as Go's
// golang.org/x/crypto/nacl/secretbox.Seal writes it.

const sigma = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574];
const rotl = (v: number, n: number) => (v << n) | (v >>> (32 - n));

function doubleRounds(x: Uint32Array): void {
  const qr = (a: number, b: number, c: number, d: number) => {
    x[b] = (x[b] as number) ^ rotl(((x[a] as number) + (x[d] as number)) | 0, 7);
    x[c] = (x[c] as number) ^ rotl(((x[b] as number) + (x[a] as number)) | 0, 9);
    x[d] = (x[d] as number) ^ rotl(((x[c] as number) + (x[b] as number)) | 0, 13);
    x[a] = (x[a] as number) ^ rotl(((x[d] as number) + (x[c] as number)) | 0, 18);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12);
    qr(5, 9, 13, 1);
    qr(10, 14, 2, 6);
    qr(15, 3, 7, 11);
    qr(0, 1, 2, 3);
    qr(5, 6, 7, 4);
    qr(10, 11, 8, 9);
    qr(15, 12, 13, 14);
  }
}

function state(key: Buffer, input16: Buffer): Uint32Array {
  const s = new Uint32Array(16);
  s[0] = sigma[0] as number;
  s[5] = sigma[1] as number;
  s[10] = sigma[2] as number;
  s[15] = sigma[3] as number;
  for (let i = 0; i < 4; i++) {
    s[1 + i] = key.readUInt32LE(4 * i);
    s[11 + i] = key.readUInt32LE(16 + 4 * i);
    s[6 + i] = input16.readUInt32LE(4 * i);
  }
  return s;
}

/** HSalsa20: the XSalsa20 subkey from the key and the nonce's first 16 bytes. */
function hsalsa20(key: Buffer, nonce16: Buffer): Buffer {
  const x = state(key, nonce16);
  doubleRounds(x);
  const out = Buffer.alloc(32);
  [0, 5, 10, 15, 6, 7, 8, 9].forEach((w, i) => {
    out.writeUInt32LE(x[w] as number, 4 * i);
  });
  return out;
}

/** XSalsa20 keystream of `length` bytes. */
function keystream(key: Buffer, nonce: Buffer, length: number): Buffer {
  const subkey = hsalsa20(key, nonce.subarray(0, 16));
  const out = Buffer.alloc(Math.ceil(length / 64) * 64);
  const input = Buffer.alloc(16);
  nonce.copy(input, 0, 16, 24);
  for (let block = 0; block * 64 < length; block++) {
    input.writeUInt32LE(block >>> 0, 8);
    input.writeUInt32LE(Math.floor(block / 2 ** 32), 12);
    const initial = state(subkey, input);
    const x = Uint32Array.from(initial);
    doubleRounds(x);
    for (let i = 0; i < 16; i++)
      out.writeUInt32LE(((x[i] as number) + (initial[i] as number)) >>> 0, block * 64 + 4 * i);
  }
  return out.subarray(0, length);
}

const p1305 = (1n << 130n) - 5n;

function leBigInt(bytes: Buffer): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  return v;
}

function poly1305(message: Buffer, key: Buffer): Buffer {
  const r = leBigInt(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = leBigInt(key.subarray(16, 32));
  let acc = 0n;
  for (let i = 0; i < message.length; i += 16) {
    const chunk = message.subarray(i, i + 16);
    acc = ((acc + leBigInt(chunk) + (1n << BigInt(8 * chunk.length))) * r) % p1305;
  }
  let tag = (acc + s) & ((1n << 128n) - 1n);
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) {
    out[i] = Number(tag & 0xffn);
    tag >>= 8n;
  }
  return out;
}

export function secretboxSeal(message: Buffer, nonce: Buffer, key: Buffer): Buffer {
  const stream = keystream(key, nonce, 32 + message.length);
  const cipher = Buffer.alloc(message.length);
  for (let i = 0; i < message.length; i++) cipher[i] = (message[i] as number) ^ (stream[32 + i] as number);
  return Buffer.concat([poly1305(cipher, stream.subarray(0, 32)), cipher]);
}

/** Undefined when the tag does not verify. */
export function secretboxOpen(box: Buffer, nonce: Buffer, key: Buffer): Buffer | undefined {
  if (box.length < 16) return undefined;
  const tag = box.subarray(0, 16);
  const cipher = box.subarray(16);
  const stream = keystream(key, nonce, 32 + cipher.length);
  const expected = poly1305(cipher, stream.subarray(0, 32));
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= (tag[i] as number) ^ (expected[i] as number);
  if (diff !== 0) return undefined;
  const plain = Buffer.alloc(cipher.length);
  for (let i = 0; i < cipher.length; i++) plain[i] = (cipher[i] as number) ^ (stream[32 + i] as number);
  return plain;
}
