import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";

const execFileAsync = promisify(execFile);

/** A real .tar.gz made by tar: `files` under one top directory, as the hosts wrap their archives. */
export async function makeTarball(topDir: string, files: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), "zakenak-tarball-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      const target = join(dir, topDir, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    const { stdout } = await execFileAsync("tar", ["-czf", "-", "-C", dir, topDir], {
      encoding: "buffer",
      maxBuffer: 64 << 20,
    });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface CraftedEntry {
  name: string;
  /** "0" file, "2" symlink, "1" hard link, "5" directory, "3" character device, "x" pax header; "zero": a zero block. */
  type?: string;
  content?: string;
  linkName?: string;
  /** The header's size field, when it must differ from the content's (a pax size stands in for it). */
  size?: number;
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, "0")}\0`;
}

function header({ name, type = "0", content = "", linkName = "", size }: CraftedEntry): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(octal(type === "5" ? 0o755 : 0o644, 8), 100, "latin1");
  h.write(octal(0, 8), 108, "latin1");
  h.write(octal(0, 8), 116, "latin1");
  h.write(octal(size ?? Buffer.byteLength(content), 12), 124, "latin1");
  h.write(octal(0, 12), 136, "latin1");
  h.write(type, 156, "latin1");
  h.write(linkName, 157, 100, "utf8");
  h.write("ustar\0", 257, "latin1");
  h.write("00", 263, "latin1");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return h;
}

/** A gzipped ustar archive written byte by byte, for entries tar itself would not create (`..`, "/etc"). */
export function craftTarball(entries: CraftedEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (entry.type === "zero") {
      blocks.push(Buffer.alloc(512));
      continue;
    }
    blocks.push(header(entry));
    const data = Buffer.from(entry.content ?? "");
    if (data.length > 0) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A pax record ("<len> key=value\n"), its length counting itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length += 1;
  return `${length}${body}`;
}
