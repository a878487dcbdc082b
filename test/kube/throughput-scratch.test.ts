import { readFileSync } from "node:fs";
import http2 from "node:http2";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { it } from "vitest";
import { parse } from "yaml";
import { connectKube } from "../../src/kube/connect-kube.js";
import type { KubeObject } from "../../src/planning/types.js";

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await fn(items[i++] as T);
    }),
  );
}
const path = (o: KubeObject) =>
  `/api/v1/namespaces/${o.metadata.namespace}/configmaps/${o.metadata.name}?fieldManager=zakenak&force=false`;

it("throughput", async () => {
  const kc = parse(readFileSync(process.env.ZAKENAK_TEST_KUBECONFIG as string, "utf8"));
  const server = new URL(kc.clusters[0].cluster.server);
  const ca = readFileSync(kc.clusters[0].cluster["certificate-authority"]);
  const token = kc.users[0].user.token;
  const kube = await connectKube({ kubeconfig: process.env.ZAKENAK_TEST_KUBECONFIG });
  await kube.resource("v1", "ConfigMap");
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca });
  const rawApply = (o: KubeObject) =>
    new Promise<unknown>((resolve, reject) => {
      const body = Buffer.from(JSON.stringify(o));
      const req = https.request({
        hostname: server.hostname,
        port: server.port,
        method: "PATCH",
        agent,
        path: path(o),
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/apply-patch+yaml",
          "Content-Length": body.length,
          Accept: "application/json",
        },
      });
      req.on("error", reject);
      req.on("response", (res) => {
        const c: Buffer[] = [];
        res.on("data", (d) => c.push(d));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(c).toString())));
      });
      req.end(body);
    });
  const session = http2.connect(server.origin, { ca });
  const h2Apply = (o: KubeObject) =>
    new Promise<unknown>((resolve, reject) => {
      const req = session.request({
        ":method": "PATCH",
        ":path": path(o),
        authorization: `Bearer ${token}`,
        "content-type": "application/apply-patch+yaml",
        accept: "application/json",
      });
      req.on("error", reject);
      const chunks: Buffer[] = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      req.end(JSON.stringify(o));
    });
  const up = new Pool(server.origin, { connections: 16, connect: { ca } });
  const undiciApply = async (o: KubeObject) => {
    const res = await up.request({
      method: "PATCH",
      path: path(o),
      body: JSON.stringify(o),
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/apply-patch+yaml",
        accept: "application/json",
      },
    });
    return res.body.json();
  };
  const variants: Record<string, (o: KubeObject) => Promise<unknown>> = {
    client: (o) => kube.apply(o),
    raw: rawApply,
    h2: h2Apply,
    undici: undiciApply,
  };
  const results: Record<string, { wall: number[]; cpu: number[] }> = {};
  for (let rep = 0; rep < 5; rep++) {
    for (const [name, fn] of Object.entries(variants)) {
      for (const conc of [1, 8, 16]) {
        const ns = `tp-${name}-${conc}-${rep}-${Date.now()}`;
        await kube.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
        const objs: KubeObject[] = Array.from({ length: 500 }, (_, i) => ({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: `cm-${i}`, namespace: ns, labels: { app: "x" } },
          data: { index: String(i), payload: "x".repeat(200) },
        }));
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await pool(objs, conc, fn);
        const t1 = performance.now();
        const c1 = process.cpuUsage(c0);
        const r = (results[`${name} conc=${conc}`] ??= { wall: [], cpu: [] });
        r.wall.push(t1 - t0);
        r.cpu.push((c1.user + c1.system) / 1000);
      }
    }
  }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] as number;
  for (const [k, r] of Object.entries(results)) {
    console.log(
      `${k.padEnd(18)} wall min ${Math.min(...r.wall).toFixed(0)} med ${med(r.wall).toFixed(0)} ms | client cpu min ${Math.min(...r.cpu).toFixed(0)} med ${med(r.cpu).toFixed(0)} ms`,
    );
  }
  session.close();
  agent.destroy();
  await up.close();
  kube.close();
}, 600_000);
