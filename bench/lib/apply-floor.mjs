// The `apply-floor` measurement of the cluster benchmark, run as a child process:
//
//   node bench/lib/apply-floor.mjs KUBECONFIG MANIFESTS_DIR ENVIRONMENT
//
// Sends the server-side applies of a first `zakenak apply` and nothing else: the same objects (read and
// parsed as zakenak reads them, marked with the same environment label and desired-state hash by
// `prepareObjects`), the same field manager, the same stages (Namespaces and CRDs first) and the same
// number of requests in flight (`APPLY_CONCURRENCY`), through Zakenak's own kube client (`connectKube`,
// from dist/). No CLI, no config, no validation, no lock, no history, no inventory, no live lists.
//
// Node's start-up, module loading and the parse happen before the clock starts; the time printed covers
// connecting (kubeconfig, credentials), discovery and the PATCHes, i.e. what the API server makes any
// client of Zakenak's kind wait. Prints one JSON line: {"ms": N, "objects": N, "requests": N}.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const ROOT = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const dist = (p) => import(join(ROOT, "dist", p));

const [kubeconfig, dir, environment] = process.argv.slice(2);
if (!kubeconfig || !dir || !environment) {
  console.error("usage: node bench/lib/apply-floor.mjs KUBECONFIG MANIFESTS_DIR ENVIRONMENT");
  process.exit(2);
}

const { connectKube } = await dist("kube/connect-kube.js");
const { readManifests } = await dist("planning/render/read-manifests.js");
const { prepareObjects } = await dist("server-side-apply/prepare-objects.js");
const { applyStages } = await dist("applying/apply-order.js");
const { APPLY_CONCURRENCY } = await dist("applying/apply-objects.js");
const { mapLimit } = await dist("model/map-limit.js");

const parsed = await readManifests({ release: "bench", dir, repoRoot: join(dir, "..") });
if (parsed.findings.length > 0)
  throw new Error(`${dir}: ${parsed.findings.map((f) => `${f.file}: ${f.message}`).join("; ")}`);
const objects = prepareObjects(
  parsed.objects.map((o) => o.object),
  environment,
);

const started = performance.now();
const client = await connectKube({ kubeconfig, env: process.env });
let requests = 0;
try {
  for (const stage of applyStages(objects)) {
    await mapLimit(stage, APPLY_CONCURRENCY, async (o) => {
      await client.apply(o, { force: false });
      requests++;
    });
  }
} finally {
  client.close();
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ms, objects: objects.length, requests }));
