import { readFile, stat } from "node:fs/promises";

/**
 * A bearer token kept in a file that something else rotates (projected service-account tokens, a
 * kubeconfig's `tokenFile`). The file is stat'ed per request and read again whenever it changed; the
 * kubelet swaps a symlink, which the inode and mtime show.
 */
export class TokenFileReader {
  readonly path: string;
  private seen = "";
  private token = "";

  constructor(path: string) {
    this.path = path;
  }

  async read(): Promise<string> {
    const info = await stat(this.path);
    const version = `${info.ino}:${info.mtimeMs}:${info.size}`;
    if (version !== this.seen) {
      // Trimmed like client-go does: files written by hand end in a newline.
      const token = (await readFile(this.path, "utf8")).trim();
      if (!token) throw new Error(`token file ${this.path} is empty`);
      this.token = token;
      this.seen = version;
    }
    return this.token;
  }
}
