import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runProcess } from "../../../src/tools/run-process.js";
import { toolPath } from "../../../src/tools/tool-path.js";
import type { RegistryEndpoint } from "./push-image-manifest.js";

/** Files of a small chart: one ConfigMap whose data follows the values, and the chart's own name in it. */
export function configMapChart(
  name: string,
  version: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    "Chart.yaml": `apiVersion: v2\nname: ${name}\nversion: ${version}\n`,
    "values.yaml": "greeting: hello\n",
    "templates/configmap.yaml": [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      `  name: {{ .Release.Name }}-${name}`,
      "data:",
      "  greeting: {{ .Values.greeting | quote }}",
      `  chart: "${name}-${version}"`,
      "",
    ].join("\n"),
    ...extra,
  };
}

async function helm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const res = await runProcess(toolPath("helm"), args, {
    env: { ...process.env, HELM_NO_PLUGINS: "1", ...env },
  });
  if (res.code !== 0) throw new Error(`helm ${args.slice(0, 2).join(" ")} failed: ${res.stderr}`);
  return `${res.stdout}${res.stderr}`;
}

/** `helm package` of the files into `outDir`; returns the archive's path. */
export async function packageChart(files: Record<string, string>, outDir: string): Promise<string> {
  const src = mkdtempSync(join(tmpdir(), "zakenak-chart-src-"));
  try {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(src, path)), { recursive: true });
      writeFileSync(join(src, path), content);
    }
    const out = await helm(["package", src, "--destination", outDir]);
    const archive = /saved it to: (\S+\.tgz)/.exec(out)?.[1];
    if (!archive) throw new Error(`helm package printed no archive: ${out}`);
    return archive;
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
}

/**
 * `helm push` of an archive to `oci://HOST/<path>`, logged in through a throw-away registry config;
 * returns the manifest digest helm reports.
 */
export async function pushChart(
  registry: RegistryEndpoint & { host: string },
  archive: string,
  path: string,
) {
  const home = mkdtempSync(join(tmpdir(), "zakenak-helm-push-"));
  try {
    const config = join(home, "registry.json");
    const auths =
      registry.username !== undefined
        ? {
            [registry.host]: {
              auth: Buffer.from(`${registry.username}:${registry.password}`).toString("base64"),
            },
          }
        : {};
    writeFileSync(config, JSON.stringify({ auths }), { mode: 0o600 });
    const env = {
      HELM_CONFIG_HOME: home,
      HELM_CACHE_HOME: join(home, "cache"),
      HELM_DATA_HOME: join(home, "data"),
    };
    const out = await helm(
      ["push", archive, `oci://${registry.host}/${path}`, "--plain-http", "--registry-config", config],
      env,
    );
    const digest = /Digest: (sha256:[0-9a-f]{64})/.exec(out)?.[1];
    if (!digest) throw new Error(`helm push printed no digest: ${out}`);
    return { digest };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `helm repo index` of a directory of archives, with URLs under `url`. */
export async function indexRepository(dir: string, url: string): Promise<void> {
  await helm(["repo", "index", dir, "--url", url]);
}
