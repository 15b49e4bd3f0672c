/**
 * The D-Bus wire format (the specification's "Message Protocol"), as far as the Secret Service calls need it:
 * marshalling of basic types, strings, object paths, signatures, arrays, structs, dict entries and variants.
 * Values: numbers, strings, booleans, Buffers (`ay` read back), arrays (arrays and structs), [key, value]
 * pairs (dict entries); a variant is written from `{ signature, value }` and read back as its value.
 */

export interface Variant {
  signature: string;
  value: unknown;
}

const ALIGN: Record<string, number> = {
  y: 1,
  b: 4,
  n: 2,
  q: 2,
  i: 4,
  u: 4,
  x: 8,
  t: 8,
  d: 8,
  s: 4,
  o: 4,
  g: 1,
  v: 1,
  a: 4,
  '(': 8,
  '{': 8,
  h: 4,
};

/** The end (exclusive) of the single complete type starting at `start` in `signature`. */
export function typeEnd(signature: string, start: number): number {
  const code = signature[start];
  if (code === undefined) throw new Error(`D-Bus: incomplete signature '${signature}'`);
  if (code === 'a') return typeEnd(signature, start + 1);
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    let at = start + 1;
    while (signature[at] !== close) {
      if (at >= signature.length) throw new Error(`D-Bus: unbalanced signature '${signature}'`);
      at = typeEnd(signature, at);
    }
    return at + 1;
  }
  if (!(code in ALIGN)) throw new Error(`D-Bus: unsupported type '${code}' in '${signature}'`);
  return start + 1;
}

/** The complete types of a signature, in order. */
export function splitSignature(signature: string): string[] {
  const types: string[] = [];
  for (let at = 0; at < signature.length;) {
    const end = typeEnd(signature, at);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}

export class WireWriter {
  private chunks: Buffer[] = [];
  length = 0;

  private push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    if (pad) this.push(Buffer.alloc(pad));
  }

  private uint32(value: number): void {
    this.align(4);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.push(buffer);
  }

  write(type: string, value: unknown): void {
    const code = type[0] as string;
    switch (code) {
      case 'y':
        this.push(Buffer.from([value as number]));
        return;
      case 'b':
        this.uint32(value ? 1 : 0);
        return;
      case 'u':
        this.uint32(value as number);
        return;
      case 'i': {
        this.align(4);
        const buffer = Buffer.alloc(4);
        buffer.writeInt32LE(value as number);
        this.push(buffer);
        return;
      }
      case 's':
      case 'o': {
        const bytes = Buffer.from(value as string, 'utf8');
        this.uint32(bytes.length);
        this.push(Buffer.concat([bytes, Buffer.alloc(1)]));
        return;
      }
      case 'g': {
        const bytes = Buffer.from(value as string, 'ascii');
        this.push(Buffer.concat([Buffer.from([bytes.length]), bytes, Buffer.alloc(1)]));
        return;
      }
      case 'v': {
        const variant = value as Variant;
        this.write('g', variant.signature);
        this.write(variant.signature, variant.value);
        return;
      }
      case 'a': {
        const element = type.slice(1);
        this.uint32(0);
        const lengthAt = this.length - 4;
        this.align(ALIGN[element[0] as string] ?? 1);
        const start = this.length;
        const items = element === 'y' && Buffer.isBuffer(value) ? [...value] : (value as unknown[]);
        for (const item of items) this.write(element, item);
        this.patchUint32(lengthAt, this.length - start);
        return;
      }
      case '(':
      case '{': {
        this.align(8);
        const members = splitSignature(type.slice(1, -1));
        members.forEach((member, index) => this.write(member, (value as unknown[])[index]));
        return;
      }
      default:
        throw new Error(`D-Bus: cannot write type '${type}'`);
    }
  }

  private patchUint32(offset: number, value: number): void {
    let at = 0;
    for (const chunk of this.chunks) {
      if (offset < at + chunk.length) {
        // The length field was pushed as one 4-byte chunk of its own.
        chunk.writeUInt32LE(value, offset - at);
        return;
      }
      at += chunk.length;
    }
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class WireReader {
  offset: number;
  private readonly buffer: Buffer;
  private readonly littleEndian: boolean;
  /** Where the message (or body) starts: alignment is relative to it. */
  private readonly base: number;

  constructor(buffer: Buffer, littleEndian: boolean, start = 0, base = 0) {
    this.buffer = buffer;
    this.littleEndian = littleEndian;
    this.offset = start;
    this.base = base;
  }

  align(n: number): void {
    const relative = this.offset - this.base;
    this.offset += (n - (relative % n)) % n;
  }

  private need(n: number): void {
    if (this.offset + n > this.buffer.length) throw new Error('D-Bus: message shorter than its contents');
  }

  uint32(): number {
    this.align(4);
    this.need(4);
    const value = this.littleEndian ? this.buffer.readUInt32LE(this.offset) : this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  read(type: string): unknown {
    const code = type[0] as string;
    switch (code) {
      case 'y':
        this.need(1);
        return this.buffer[this.offset++];
      case 'b':
        return this.uint32() !== 0;
      case 'u':
      case 'h':
        return this.uint32();
      case 'i':
        return this.uint32() | 0;
      case 'n':
      case 'q': {
        this.align(2);
        this.need(2);
        const value = this.littleEndian ? this.buffer.readUInt16LE(this.offset) : this.buffer.readUInt16BE(this.offset);
        this.offset += 2;
        return code === 'n' ? (value << 16) >> 16 : value;
      }
      case 'x':
      case 't':
      case 'd': {
        this.align(8);
        this.need(8);
        const value =
          code === 'd'
            ? this.littleEndian
              ? this.buffer.readDoubleLE(this.offset)
              : this.buffer.readDoubleBE(this.offset)
            : Number(
                this.littleEndian ? this.buffer.readBigUInt64LE(this.offset) : this.buffer.readBigUInt64BE(this.offset),
              );
        this.offset += 8;
        return value;
      }
      case 's':
      case 'o': {
        const length = this.uint32();
        this.need(length + 1);
        const text = this.buffer.toString('utf8', this.offset, this.offset + length);
        this.offset += length + 1;
        return text;
      }
      case 'g': {
        this.need(1);
        const length = this.buffer[this.offset++] as number;
        this.need(length + 1);
        const text = this.buffer.toString('ascii', this.offset, this.offset + length);
        this.offset += length + 1;
        return text;
      }
      case 'v': {
        const signature = this.read('g') as string;
        if (splitSignature(signature).length !== 1) throw new Error(`D-Bus: a variant of signature '${signature}'`);
        return this.read(signature);
      }
      case 'a': {
        const element = type.slice(1);
        const length = this.uint32();
        this.align(ALIGN[element[0] as string] ?? 1);
        this.need(length);
        const end = this.offset + length;
        if (element === 'y') {
          const bytes = Buffer.from(this.buffer.subarray(this.offset, end));
          this.offset = end;
          return bytes;
        }
        const items: unknown[] = [];
        while (this.offset < end) items.push(this.read(element));
        return items;
      }
      case '(':
      case '{': {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((member) => this.read(member));
      }
      default:
        throw new Error(`D-Bus: cannot read type '${type}'`);
    }
  }
}
