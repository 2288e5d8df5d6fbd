import { isIP } from 'node:net';

import ipaddr from 'ipaddr.js';

/**
 * Writes a tiny MaxMind DB (.mmdb, format 2.0) for tests: an IPv6 tree
 * (IPv4 networks under ::/96, where readers look them up), 24-bit records,
 * and a data section of maps, strings, numbers and arrays. Enough to
 * stand in for GeoLite2, DB-IP or ip-location-db files without committing
 * a binary or adding a dependency. The format:
 * https://maxmind.github.io/MaxMind-DB/
 */
export type MmdbValue = string | number | boolean | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbNetwork {
  /** `203.0.113.0/24`, `2001:db8::/32` */
  readonly network: string;
  readonly data: MmdbValue;
}

export interface MmdbOptions {
  /** The metadata's database_type, e.g. `GeoLite2-City`. */
  readonly databaseType?: string;
}

interface TreeNode {
  children: [TreeNode | DataRef | null, TreeNode | DataRef | null];
}
interface DataRef {
  readonly data: number;
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);

export function writeMmdb(networks: readonly MmdbNetwork[], options: MmdbOptions = {}): Buffer {
  const data = new DataSection();
  const root: TreeNode = { children: [null, null] };
  for (const { network, data: value } of networks) insert(root, bitsOf(network), data.add(value));

  const nodes = numbered(root);
  const nodeCount = nodes.length;
  const record = (child: TreeNode | DataRef | null): number => {
    if (child === null) return nodeCount;
    if ('data' in child) return nodeCount + 16 + child.data;
    return nodes.indexOf(child);
  };
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach((node, index) => {
    tree.writeUIntBE(record(node.children[0]), index * 6, 3);
    tree.writeUIntBE(record(node.children[1]), index * 6 + 3, 3);
  });
  const metadata = encode({
    binary_format_major_version: uint16(2),
    binary_format_minor_version: uint16(0),
    build_epoch: uint64(1_700_000_000),
    database_type: options.databaseType ?? 'Test-City',
    description: { en: 'A tiny database written by the tests' },
    ip_version: uint16(6),
    languages: ['en'],
    node_count: uint32(nodeCount),
    record_size: uint16(24),
  });
  return Buffer.concat([tree, Buffer.alloc(16), data.bytes(), METADATA_MARKER, metadata]);
}

/** The network's bits, IPv4 as IPv4-mapped-at-::/96 (the tree's IPv4 subtree). */
function bitsOf(network: string): number[] {
  const [address, prefix] = network.split('/');
  const length = Number(prefix);
  const version = isIP(address);
  if (version === 0 || !Number.isInteger(length)) throw new Error(`not a network: ${network}`);
  const bytes =
    version === 4
      ? [...new Array<number>(12).fill(0), ...ipaddr.IPv4.parse(address).toByteArray()]
      : ipaddr.IPv6.parse(address).toByteArray();
  const total = version === 4 ? 96 + length : length;
  return Array.from({ length: total }, (_, i) => (bytes[i >> 3] >> (7 - (i & 7))) & 1);
}

function insert(root: TreeNode, bits: number[], data: number): void {
  let node = root;
  bits.forEach((bit, depth) => {
    if (depth === bits.length - 1) {
      node.children[bit] = { data };
      return;
    }
    let next = node.children[bit];
    // A narrower network inside a wider one: the wider one's data goes on both halves below.
    if (next === null || 'data' in next) {
      const inherited = next;
      next = { children: [inherited, inherited] };
      node.children[bit] = next;
    }
    node = next;
  });
}

/** Breadth first from the root, which is node 0. */
function numbered(root: TreeNode): TreeNode[] {
  const nodes: TreeNode[] = [root];
  for (let i = 0; i < nodes.length; i++)
    for (const child of nodes[i].children) if (child && !('data' in child)) nodes.push(child);
  return nodes;
}

class DataSection {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly offsets = new Map<string, number>();

  add(value: MmdbValue): number {
    const key = JSON.stringify(value);
    const known = this.offsets.get(key);
    if (known !== undefined) return known;
    const bytes = encode(value);
    const offset = this.size;
    this.chunks.push(bytes);
    this.size += bytes.length;
    this.offsets.set(key, offset);
    return offset;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

// Metadata needs sized unsigned integers; plain numbers in data are doubles.
class Sized {
  constructor(
    readonly type: 5 | 6 | 9,
    readonly value: number,
  ) {}
}
const uint16 = (value: number): Sized => new Sized(5, value);
const uint32 = (value: number): Sized => new Sized(6, value);
const uint64 = (value: number): Sized => new Sized(9, value);

type Encodable = MmdbValue | Sized | { [key: string]: Encodable };

function encode(value: Encodable): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return control(14, value ? 1 : 0);
  if (typeof value === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  if (value instanceof Sized) {
    const hex = value.value === 0 ? '' : value.value.toString(16);
    const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
    return Buffer.concat([control(value.type, bytes.length), bytes]);
  }
  const entries = Object.entries(value);
  return Buffer.concat([
    control(7, entries.length),
    ...entries.flatMap(([key, item]) => [encode(key), encode(item)]),
  ]);
}

/** The control byte(s): type (extended types > 7 take a second byte) and size. */
function control(type: number, size: number): Buffer {
  const head = type > 7 ? 0 : type << 5;
  const extended = type > 7 ? [type - 7] : [];
  if (size < 29) return Buffer.from([head | size, ...extended]);
  if (size < 285) return Buffer.from([head | 29, ...extended, size - 29]);
  if (size < 65_821) {
    const rest = size - 285;
    return Buffer.from([head | 30, ...extended, rest >> 8, rest & 0xff]);
  }
  const rest = size - 65_821;
  return Buffer.from([head | 31, ...extended, rest >> 16, (rest >> 8) & 0xff, rest & 0xff]);
}
