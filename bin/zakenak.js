#!/usr/bin/env node
import { lstatSync, mkdirSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheRoot } from "../dist/tools/cache-root.js";

module.enableCompileCache?.(compileCacheDir());
const { main } = await import("../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));

/**
 * V8's compiled code of Zakenak and its dependencies, kept between runs, saves ~60 ms of start-up, and more
 * when validators load. It goes where Node keeps it by default, in the temporary directory, so that every
 * run shares it whatever ZAKENAK_CACHE_DIR says; but the cache holds code that will run, so that directory
 * is used only when it belongs to this user and nobody else can write to it. Otherwise: Zakenak's cache.
 */
function compileCacheDir() {
  const shared = join(tmpdir(), "node-compile-cache");
  try {
    mkdirSync(shared, { mode: 0o700 });
  } catch {
    // It exists already: checked below.
  }
  try {
    const dir = lstatSync(shared);
    const own = dir.isDirectory() && dir.uid === process.getuid?.() && (dir.mode & 0o022) === 0;
    if (own) return shared;
  } catch {
    // Not usable: fall through.
  }
  return join(cacheRoot(), "compile");
}
