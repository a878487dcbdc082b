import { ArchiveLimitError } from "../shared/archive-limits.js";
import { UnsafeArchiveError } from "../shared/tar-entry-guard.js";

/** A download that is not a whole zip (cut short, corrupt): a fresh download usually succeeds. */
export class BrokenZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BrokenZipError";
  }
}

/** One entry of a zip's central directory, with where its data starts. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  dataStart: number;
  directory: boolean;
  symlink: boolean;
  executable: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX16 = 0xffff;
const MAX32 = 0xffffffff;

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new BrokenZipError("a zip64 field is out of range");
  return Number(value);
}

function endOfDirectory(buf: Buffer): { count: number; offset: number } {
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - MAX16); at--) {
    if (buf.readUInt32LE(at) !== EOCD) continue;
    let count = buf.readUInt16LE(at + 10);
    let offset = buf.readUInt32LE(at + 16);
    if ((count === MAX16 || offset === MAX32) && at >= 20 && buf.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
      const record = u64(buf, at - 20 + 8);
      if (record + 56 > buf.length || buf.readUInt32LE(record) !== ZIP64_EOCD) {
        throw new BrokenZipError("bad zip64 end of central directory");
      }
      count = u64(buf, record + 32);
      offset = u64(buf, record + 48);
    }
    return { count, offset };
  }
  throw new BrokenZipError("no end of central directory: not a zip, or cut short");
}

/** Sizes and offset a zip64 extra field overrides, for the fields set to 0xFFFFFFFF. */
function zip64Values(extra: Buffer, wanted: { size: boolean; compressed: boolean; offset: boolean }) {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    if (id === 1) {
      let p = at + 4;
      const next = () => {
        if (p + 8 > at + 4 + length) throw new BrokenZipError("short zip64 extra field");
        const v = u64(extra, p);
        p += 8;
        return v;
      };
      return {
        size: wanted.size ? next() : undefined,
        compressed: wanted.compressed ? next() : undefined,
        offset: wanted.offset ? next() : undefined,
      };
    }
    at += 4 + length;
  }
  return {};
}

/**
 * The entries of a zip held in memory, from its central directory (which, unlike the local headers, holds
 * the file modes and the real sizes). More than `maxEntries` fails before the rest is read. Encrypted
 * entries and compression methods other than stored and deflate are refused.
 */
export function zipEntries(buf: Buffer, maxEntries: number): ZipEntry[] {
  const { count, offset } = endOfDirectory(buf);
  if (count > maxEntries) throw new ArchiveLimitError("maxEntries", maxEntries);
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) {
      throw new BrokenZipError("bad central directory");
    }
    const madeBy = buf.readUInt16LE(at + 4) >> 8;
    const flags = buf.readUInt16LE(at + 8);
    const method = buf.readUInt16LE(at + 10);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const external = buf.readUInt32LE(at + 38);
    const name = buf.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    const extra = buf.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength);
    let size = buf.readUInt32LE(at + 24);
    let compressedSize = buf.readUInt32LE(at + 20);
    let local = buf.readUInt32LE(at + 42);
    const big = zip64Values(extra, {
      size: size === MAX32,
      compressed: compressedSize === MAX32,
      offset: local === MAX32,
    });
    size = big.size ?? size;
    compressedSize = big.compressed ?? compressedSize;
    local = big.offset ?? local;
    if (flags & 1) throw new UnsafeArchiveError(`archive entry "${name}" is encrypted`);
    if (method !== 0 && method !== 8) {
      throw new UnsafeArchiveError(`archive entry "${name}" uses compression method ${method}`);
    }
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) {
      throw new BrokenZipError(`bad local header for "${name}"`);
    }
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    // Unix modes sit in the high half of the external attributes when the zip was made on Unix (3).
    const mode = madeBy === 3 ? external >>> 16 : 0;
    const type = mode & 0o170000;
    entries.push({
      name,
      method,
      crc: buf.readUInt32LE(at + 16),
      compressedSize,
      size,
      dataStart,
      directory: name.endsWith("/") || type === 0o040000 || (external & 0x10) !== 0,
      symlink: type === 0o120000,
      executable: type === 0o100000 && (mode & 0o111) !== 0,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
