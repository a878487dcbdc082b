import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReleaseConfig } from "../../src/config/schema.js";
import type { KubeObject, RenderedObject } from "../../src/model/kube-object.js";
import { noRenderCache, type RenderCache } from "../../src/planning/render/render-cache.js";
import { type ReleaseRender, renderRelease } from "../../src/planning/render/render-release.js";
import { chartFiles } from "./temp-repo.js";

/** Two environments, one chart release in namespace `apps` with a prod-only values override. */
export const APP_CONFIG = `environments:
  - name: dev
  - name: prod
releases:
  - name: app
    namespace: apps
    chart: charts/app
    env:
      prod:
        values: [env/prod/app.yaml]
`;

/** A repository with `APP_CONFIG`, its chart and the prod override, all policy-clean. */
export function appRepoFiles(): Record<string, string> {
  return { ".zakenak.yaml": APP_CONFIG, ...chartFiles("charts/app"), "env/prod/app.yaml": "replicas: 3\n" };
}

export function b64(s: string): string {
  return Buffer.from(s, "utf8").toString("base64");
}

/** A v1 Secret manifest holding `value` base64-encoded in `data` and `${value}-token` in `stringData`. */
export function secretYaml(value: string, name = "db", namespace = "apps"): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${namespace}
type: Opaque
data:
  password: ${b64(value)}
  user: ${b64("admin-user")}
stringData:
  token: ${value}-token
`;
}

export function configMapYaml(
  name: string,
  data: Record<string, string> = { key: "value" },
  namespace = "apps",
): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n${lines.join("\n")}\n`;
}

/** Renders one release with a fresh in-run context (no dedupe across calls). */
export function renderFresh(
  dir: string,
  release: ReleaseConfig,
  environment = "dev",
  cache: RenderCache = noRenderCache,
): Promise<ReleaseRender> {
  return renderRelease(dir, release, environment, { cache, inflight: new Map() });
}

/** The rendered object with this kind and name; fails the test when there is none. */
export function objectOf(objects: readonly RenderedObject[], kind: string, name: string): RenderedObject {
  const found = objects.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  if (!found) {
    const have = objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} among: ${have}`);
  }
  return found;
}

export function kinds(objects: readonly RenderedObject[]): string[] {
  return objects.map((o) => `${o.object.kind}/${o.object.metadata.name}`).sort();
}

export function specOf(obj: KubeObject): Record<string, unknown> {
  return obj.spec as Record<string, unknown>;
}

/** A temporary directory removed by the returned function. */
export function tempDir(prefix = "zakenak-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
