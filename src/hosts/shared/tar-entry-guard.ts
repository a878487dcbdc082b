import { posix } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { ArchiveLimitError, type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "./archive-limits.js";

const block = 512;

/** An archive entry that could write outside the extraction directory, or a stream that is not tar. */
export class UnsafeArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsafeArchiveError";
  }
}

// Regular file (NUL is the pre-POSIX spelling), hard link, symlink, directory, contiguous file.
const entryTypes = new Set(["0", "\0", "1", "2", "5", "7"]);
// pax local and global headers, GNU long name and long link name: they describe the next entry.
const metaTypes = new Set(["x", "g", "L", "K"]);

function cString(buf: Buffer, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString("utf8");
}

function numberField(buf: Buffer, start: number, length: number): number {
  const field = buf.subarray(start, start + length);
  // GNU base-256 for sizes of 8 GiB and more: a set high bit, then a big-endian number.
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const text = field
    .toString("latin1")
    .replace(/[\0 ]+$/g, "")
    .trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === numberField(header, 148, 8);
}

/** pax records: "<length> <key>=<value>\n", the length counting bytes of the whole record. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number.parseInt(data.subarray(pos, space).toString("latin1"), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, pos + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    pos += length;
  }
  return records;
}

function escapes(path: string): boolean {
  return path.startsWith("/") || path.split("/").includes("..");
}

/**
 * Checks one entry as extracted with `--strip-components=1`: its name, and where a link points. A symlink is
 * resolved from its own directory; a target outside the stripped tree would let a later entry write through it.
 */
export function checkEntry(name: string, type: string, linkName: string): void {
  if (!entryTypes.has(type))
    throw new UnsafeArchiveError(`archive entry "${name}" has unsupported type "${type}"`);
  if (escapes(name)) throw new UnsafeArchiveError(`archive entry "${name}" points outside the archive`);
  if (type === "1" && escapes(linkName)) {
    throw new UnsafeArchiveError(`archive hard link "${name}" targets "${linkName}" outside the archive`);
  }
  if (type === "2") {
    const stripped = name.split("/").filter(Boolean).slice(1).join("/");
    const target = posix.normalize(posix.join(posix.dirname(stripped || "."), linkName));
    if (linkName.startsWith("/") || target === ".." || target.startsWith("../")) {
      throw new UnsafeArchiveError(`archive symlink "${name}" targets "${linkName}" outside the archive`);
    }
  }
}

/**
 * A pass-through for an uncompressed tar stream that fails before forwarding the header of any entry that
 * could land outside the extraction directory (absolute paths, `..`, escaping links, devices), or that would
 * take the archive over `limits` (entries, and the sizes of their data). Data is forwarded as it comes; only
 * headers are held until checked.
 */
export function tarEntryGuard(
  limits: Pick<ArchiveLimits, "maxExtractedBytes" | "maxEntries"> = DEFAULT_ARCHIVE_LIMITS,
): Transform & { readonly complete: boolean } {
  let pending = Buffer.alloc(0);
  let need = block;
  let mode: "header" | "meta" | "data" | "end" = "header";
  let skip = 0;
  let metaType = "";
  let metaSize = 0;
  let next: { path?: string; linkpath?: string; size?: number } = {};
  const global: { path?: string; linkpath?: string } = {};
  let entries = 0;
  let extractedBytes = 0;

  function onHeader(header: Buffer, push: (b: Buffer) => void): void {
    if (header.every((byte) => byte === 0)) {
      mode = "end";
      push(header);
      return;
    }
    if (!checksumMatches(header))
      throw new UnsafeArchiveError("the archive is not a tar stream (bad header checksum)");
    const type = String.fromCharCode(header[156] ?? 0);
    // A pax size wins over the header's, as in tar: git archive declares files of 8 GiB and more that way.
    const size = (metaTypes.has(type) ? undefined : next.size) ?? numberField(header, 124, 12);
    const padded = Math.ceil(size / block) * block;
    if (metaTypes.has(type)) {
      push(header);
      mode = "meta";
      metaType = type;
      metaSize = size;
      need = padded;
      if (padded === 0) mode = "header";
      return;
    }
    // Only POSIX ustar has a name prefix there; GNU tar keeps times in the same bytes.
    const ustar = header.subarray(257, 263).toString("latin1") === "ustar\0";
    const prefix = ustar ? cString(header, 345, 155) : "";
    const rawName = cString(header, 0, 100);
    const name = next.path ?? global.path ?? (prefix ? `${prefix}/${rawName}` : rawName);
    const linkName = next.linkpath ?? global.linkpath ?? cString(header, 157, 100);
    next = {};
    checkEntry(name, type, linkName);
    // Checked before the header goes on, so tar never gets to write the entry that goes over.
    entries += 1;
    if (entries > limits.maxEntries) throw new ArchiveLimitError("maxEntries", limits.maxEntries);
    extractedBytes += size;
    if (extractedBytes > limits.maxExtractedBytes) {
      throw new ArchiveLimitError("maxExtractedBytes", limits.maxExtractedBytes);
    }
    push(header);
    skip = padded;
    mode = skip > 0 ? "data" : "header";
  }

  function onMeta(data: Buffer): void {
    const body = data.subarray(0, metaSize);
    if (metaType === "L") next.path = cString(body, 0, body.length);
    else if (metaType === "K") next.linkpath = cString(body, 0, body.length);
    else {
      const { path, linkpath, size } = paxRecords(body);
      const target = metaType === "g" ? global : next;
      if (path !== undefined) target.path = path;
      if (linkpath !== undefined) target.linkpath = linkpath;
      if (size !== undefined) {
        // A size for every later entry has no honest use, and reading it differently from tar would let a
        // header hidden in file data past the checks.
        if (metaType === "g") throw new UnsafeArchiveError("the archive sets a size in a global pax header");
        if (!/^[0-9]{1,20}$/.test(size))
          throw new UnsafeArchiveError(`the archive has a bad pax size "${size}"`);
        next.size = Number(size);
      }
    }
    mode = "header";
    need = block;
  }

  const guard = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const push = (b: Buffer) => {
        this.push(b);
      };
      try {
        let offset = 0;
        while (offset < chunk.length) {
          if (mode === "end") {
            // Only zero padding may follow: tar may read on past a lone zero block, and whatever came
            // next would reach it unchecked.
            const rest = chunk.subarray(offset);
            if (!rest.every((byte) => byte === 0)) {
              throw new UnsafeArchiveError("the archive has data after its end-of-archive block");
            }
            push(rest);
            break;
          }
          if (mode === "data") {
            const n = Math.min(skip, chunk.length - offset);
            push(chunk.subarray(offset, offset + n));
            offset += n;
            skip -= n;
            if (skip === 0) mode = "header";
            continue;
          }
          const n = Math.min(need - pending.length, chunk.length - offset);
          pending = Buffer.concat([pending, chunk.subarray(offset, offset + n)]);
          offset += n;
          if (pending.length < need) break;
          const complete = pending;
          pending = Buffer.alloc(0);
          if (mode === "header") onHeader(complete, push);
          else {
            push(complete);
            onMeta(complete);
          }
          if (mode === "header") need = block;
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  // Whether the end-of-archive blocks went through: a stream cut short before them is an incomplete tree.
  return Object.defineProperty(guard, "complete", { get: () => mode === "end" }) as Transform & {
    readonly complete: boolean;
  };
}
