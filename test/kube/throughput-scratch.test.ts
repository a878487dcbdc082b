import { readFileSync } from "node:fs";
import https from "node:https";
import http2 from "node:http2";
import { performance } from "node:perf_hooks";
import { it } from "vitest";
import { parse } from "yaml";
import { connectKube } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/planning/types.js";

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>) {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++] as T); }));
}

it("throughput", async () => {
  const kc = parse(readFileSync(process.env.ZAKENAK_TEST_KUBECONFIG as string, "utf8"));
  const server = new URL(kc.clusters[0].cluster.server);
  const ca = readFileSync(kc.clusters[0].cluster["certificate-authority"]);
  const token = kc.users[0].user.token;
  const kube = await connectKube({ kubeconfig: process.env.ZAKENAK_TEST_KUBECONFIG });
  await kube.resource("v1", "ConfigMap");
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca });
  const rawApply = (o: KubeObject) => new Promise<void>((resolve, reject) => {
    const body = Buffer.from(JSON.stringify(o));
    const req = https.request({ hostname: server.hostname, port: server.port, method: "PATCH", agent,
      path: `/api/v1/namespaces/${o.metadata.namespace}/configmaps/${o.metadata.name}?fieldManager=zakenak&force=false`,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/apply-patch+yaml", "Content-Length": body.length, Accept: "application/json" } });
    req.on("error", reject);
    req.on("response", (res) => { res.resume(); res.on("end", () => resolve()); });
    req.end(body);
  });
  const session = http2.connect(server.origin, { ca });
  const h2Apply = (o: KubeObject) => new Promise<void>((resolve, reject) => {
    const body = Buffer.from(JSON.stringify(o));
    const req = session.request({ ":method": "PATCH", ":path": `/api/v1/namespaces/${o.metadata.namespace}/configmaps/${o.metadata.name}?fieldManager=zakenak&force=false`,
      authorization: `Bearer ${token}`, "content-type": "application/apply-patch+yaml", accept: "application/json" });
    req.on("error", reject);
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => { JSON.parse(Buffer.concat(chunks).toString()); resolve(); });
    req.end(body);
  });
  const variants: Record<string, (o: KubeObject) => Promise<unknown>> = {
    client: (o) => kube.apply(o), raw: rawApply, h2: h2Apply,
  };
  for (let rep = 0; rep < 3; rep++) {
    for (const [name, fn] of Object.entries(variants)) {
      for (const conc of [1, 8, 16]) {
        const ns = `tp-${name}-${conc}-${rep}-${Date.now()}`;
        await kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
        const objs: KubeObject[] = Array.from({ length: 500 }, (_, i) => ({
          apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}`, namespace: ns, labels: { app: "x" } },
          data: { index: String(i), payload: "x".repeat(200) },
        }));
        const c0 = process.cpuUsage(); const t0 = performance.now();
        await pool(objs, conc, fn);
        const t1 = performance.now(); const c1 = process.cpuUsage(c0);
        await pool(objs, conc, fn);
        const t2 = performance.now();
        console.log(`${name} conc=${conc} create ${(t1 - t0).toFixed(0)} ms (client cpu ${((c1.user + c1.system) / 1000).toFixed(0)} ms), no-op ${(t2 - t1).toFixed(0)} ms`);
      }
    }
  }
  session.close();
  agent.destroy();
  kube.close();
}, 300_000);
