import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments, stringify } from "yaml";
import type { KubeObject } from "../../src/model/kube-object.js";
import { toolPath } from "../../src/tools/tool-path.js";

export const CHART = fileURLToPath(new URL("../../helm-charts/zakenak", import.meta.url));

const run = promisify(execFile);

/** `helm template` of the chart in zakenak-system with `values` (on top of the chart's own), parsed. */
export async function renderChart(values: Record<string, unknown>, dir: string): Promise<KubeObject[]> {
  const file = join(dir, `values-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify(values));
  const { stdout } = await run(toolPath("helm"), [
    "template",
    "zakenak",
    CHART,
    "--namespace",
    "zakenak-system",
    "--values",
    file,
  ]);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** helm's error when the chart refuses `values`; fails when it renders them. */
export async function renderError(values: Record<string, unknown>, dir: string): Promise<string> {
  const outcome = await renderChart(values, dir).then(
    () => undefined,
    (err: { stderr?: string }) => err.stderr ?? String(err),
  );
  if (outcome === undefined) throw new Error(`expected the chart to refuse ${JSON.stringify(values)}`);
  return outcome;
}

/** The one object of `kind` named `name`, or a failure naming what was rendered. */
export function find(objects: KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const found = objects.find(
    (o) =>
      o.kind === kind &&
      o.metadata.name === name &&
      (namespace === undefined || o.metadata.namespace === namespace),
  );
  if (!found) {
    const rendered = objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`);
    throw new Error(`${kind} ${namespace ?? ""}/${name} not rendered; rendered: ${rendered.join(", ")}`);
  }
  return found;
}
