import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goToolEnv } from "../../src/planning/render/go-tool-env.js";
import {
  RenderServiceClient,
  type RenderServiceRequest,
} from "../../src/planning/render/render-service-client.js";
import { renderServicePath } from "../../src/planning/render/render-service-path.js";
import { runProcess } from "../../src/tools/run-process.js";
import { realHelm } from "../support/counting-helm.js";

// The helm binary is the oracle: every chart here must render to the same bytes, and fail with the same
// message, on the render service as with `helm template` given the same flags.

const REPO = resolve(import.meta.dirname, "../..");
const env = goToolEnv({ HELM_NO_PLUGINS: "1" });
let dir: string;
let client: RenderServiceClient;

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const chartYaml = (name: string, extra = "") => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`;

beforeAll(() => {
  const binary = renderServicePath();
  if (!binary) throw new Error("the render service is not built: run scripts/build-render-service.sh");
  client = new RenderServiceClient(binary, env);
  dir = mkdtempSync(join(tmpdir(), "zakenak-render-oracle-"));
  execFileSync(realHelm(), ["create", join(dir, "created")], { env });
  write({
    // A parent with a subchart and a library chart, both declared, both vendored in charts/.
    "parent/Chart.yaml": chartYaml(
      "parent",
      "dependencies:\n  - name: sub\n    version: 0.1.0\n  - name: common\n    version: 0.1.0\n",
    ),
    "parent/values.yaml": "greeting: hello\nsub:\n  size: 3\n",
    "parent/templates/config.yaml": `{{- include "common.configmap" . }}\n`,
    "parent/charts/sub/Chart.yaml": chartYaml("sub"),
    "parent/charts/sub/values.yaml": "size: 1\n",
    "parent/charts/sub/templates/sub.yaml":
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-sub\ndata:\n  size: {{ .Values.size | quote }}\n  global: {{ .Values.global | toJson | quote }}\n",
    "parent/charts/common/Chart.yaml": chartYaml("common", "type: library\n"),
    "parent/charts/common/templates/_configmap.tpl": `{{- define "common.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}
  namespace: {{ .Release.Namespace }}
data:
  greeting: {{ .Values.greeting | quote }}
{{- end }}
`,
    // .Capabilities, hooks (a test hook too), CRDs, NOTES.txt and lookup.
    "caps/Chart.yaml": chartYaml("caps"),
    "caps/crds/widget.yaml":
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n",
    "caps/templates/NOTES.txt": "Installed {{ .Release.Name }}.\n",
    "caps/templates/caps.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: caps
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  minor: {{ .Capabilities.KubeVersion.Minor | quote }}
  widgets: {{ .Capabilities.APIVersions.Has "example.com/v1" | quote }}
  apps: {{ .Capabilities.APIVersions.Has "apps/v1/Deployment" | quote }}
  found: {{ lookup "v1" "ConfigMap" "default" "anything" | toJson | quote }}
  helm: {{ .Capabilities.HelmVersion.Version | quote }}
`,
    "caps/templates/hook.yaml":
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    "helm.sh/hook": pre-install\n',
    "caps/templates/tests/test.yaml":
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: smoke\n  annotations:\n    "helm.sh/hook": test\n',
    // Fails at a known template line.
    "broken/Chart.yaml": chartYaml("broken"),
    "broken/templates/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
    "broken/templates/bad.yaml":
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  x: {{ required "x is required" .Values.x }}\n',
    "unparsable/Chart.yaml": chartYaml("unparsable"),
    "unparsable/templates/cm.yaml": "metadata:\n  name: {{ .Release.Name }\n",
    // A declared dependency that is not vendored.
    "missing/Chart.yaml": chartYaml("missing", "dependencies:\n  - name: absent\n    version: 1.0.0\n"),
    "library/Chart.yaml": chartYaml("library", "type: library\n"),
    "values/override.yaml": "greeting: overridden\nsub:\n  size: 7\nglobal:\n  region: eu\n",
  });
});

afterAll(async () => {
  await client?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The `helm template` flags for a request, as the binary renderer builds them. */
function flags(r: RenderServiceRequest): string[] {
  const args = ["template", r.releaseName, r.chartDir];
  if (r.includeCrds) args.push("--include-crds");
  if (r.skipTests) args.push("--skip-tests");
  if (r.namespace) args.push("--namespace", r.namespace);
  for (const v of r.valuesFiles) args.push("--values", v);
  if (r.kubeVersion) args.push("--kube-version", r.kubeVersion);
  for (const a of r.apiVersions ?? []) args.push("--api-versions", a);
  if (r.values) args.push("--set-json", JSON.stringify(r.values));
  return args;
}

async function expectSameAsHelm(r: RenderServiceRequest): Promise<string> {
  const [binary, service] = await Promise.all([runProcess(realHelm(), flags(r), { env }), client.render(r)]);
  if (binary.code === 0) {
    expect(service).toEqual({ manifest: binary.stdout });
    return binary.stdout;
  }
  // Helm may log (slog) before it prints its error; the error is what follows "Error: ".
  const printed = binary.stderr.slice(binary.stderr.indexOf("Error: ") + "Error: ".length);
  expect(binary.stderr).toContain("Error: ");
  expect(service).toEqual({ error: printed.trim() });
  return binary.stderr;
}

const project = (chart: string, valuesFiles: string[] = []): RenderServiceRequest => ({
  releaseName: chart,
  chartDir: join(REPO, "helm-charts", chart),
  valuesFiles: valuesFiles.map((v) => join(REPO, "helm-charts", chart, v)),
  namespace: "apps",
  includeCrds: true,
  skipTests: true,
});

describe("render service against helm template", () => {
  it("is built on the same Helm version as the helm binary", async () => {
    const binary = await runProcess(realHelm(), ["version", "--template", "{{.Version}}"], { env });
    const service = await runProcess(renderServicePath() ?? "", ["--version"]);
    expect(service.stdout.trim()).toBe(binary.stdout.trim());
  });

  it.each([
    ["ollama", []],
    ["ollama", ["values-dev.yaml"]],
    ["ollama", ["values-gpu.yaml", "values-dev.yaml"]],
    ["open-webui", []],
    ["zakenak", ["values-this-repository.yaml"]],
  ])("renders this repository's chart %s with values %j identically", async (chart, values) => {
    const out = await expectSameAsHelm(project(chart, values));
    expect(out).toContain("# Source: ");
  });

  it("renders helm create's default chart identically, with and without its test hook", async () => {
    const base = { releaseName: "created", chartDir: join(dir, "created"), valuesFiles: [] };
    expect(await expectSameAsHelm({ ...base, skipTests: true })).not.toContain("test-connection");
    expect(await expectSameAsHelm({ ...base, namespace: "web" })).toContain("test-connection");
  });

  it("renders subcharts and library charts, merging values files and inline values in order", async () => {
    const r: RenderServiceRequest = {
      releaseName: "p",
      chartDir: join(dir, "parent"),
      valuesFiles: [join(dir, "values/override.yaml")],
      values: { sub: { size: 9 } },
      namespace: "team",
    };
    const out = await expectSameAsHelm(r);
    expect(out).toContain('greeting: "overridden"');
    expect(out).toContain('size: "9"');
    expect(out).toContain("namespace: team");
  });

  it("answers .Capabilities from the request and lookup with nothing, keeping hooks and CRDs as helm does", async () => {
    const base = { releaseName: "c", chartDir: join(dir, "caps"), valuesFiles: [] };
    const set = await expectSameAsHelm({
      ...base,
      kubeVersion: "v1.29.3",
      apiVersions: ["example.com/v1"],
      includeCrds: true,
    });
    expect(set).toContain('kube: "v1.29.3"');
    expect(set).toContain('widgets: "true"');
    expect(set).toContain('found: "{}"');
    expect(set).toContain("kind: CustomResourceDefinition");
    expect(set).toContain("# Source: caps/templates/hook.yaml");
    expect(set).not.toContain("Installed c.");
    const defaults = await expectSameAsHelm({ ...base, skipTests: true });
    expect(defaults).toContain('widgets: "false"');
    expect(defaults).not.toContain("CustomResourceDefinition");
    expect(defaults).not.toContain("name: smoke");
  });

  it("fails with helm's message, naming the template file and line", async () => {
    const required = await expectSameAsHelm({
      releaseName: "b",
      chartDir: join(dir, "broken"),
      valuesFiles: [],
    });
    expect(required).toMatch(/broken\/templates\/bad\.yaml:6:\d+/);
    const parse = await expectSameAsHelm({
      releaseName: "u",
      chartDir: join(dir, "unparsable"),
      valuesFiles: [],
    });
    expect(parse).toMatch(/unparsable\/templates\/cm\.yaml:2/);
  });

  it("fails as helm does on missing dependencies, library charts, absent charts and bad input", async () => {
    const none: string[] = [];
    await expectSameAsHelm({ releaseName: "m", chartDir: join(dir, "missing"), valuesFiles: none });
    await expectSameAsHelm({ releaseName: "l", chartDir: join(dir, "library"), valuesFiles: none });
    await expectSameAsHelm({ releaseName: "a", chartDir: join(dir, "absent"), valuesFiles: none });
    await expectSameAsHelm({ releaseName: "Bad_Name", chartDir: join(dir, "broken"), valuesFiles: none });
    await expectSameAsHelm({
      releaseName: "v",
      chartDir: join(dir, "parent"),
      valuesFiles: [join(dir, "nope.yaml")],
    });
    await expectSameAsHelm({
      releaseName: "k",
      chartDir: join(dir, "caps"),
      valuesFiles: none,
      kubeVersion: "x.y",
    });
  });
});
