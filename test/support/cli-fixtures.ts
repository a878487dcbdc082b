import { chartFiles } from "./temp-repo.js";

/** One environment, one chart release: the smallest repository the CLI can plan. */
export const ONE_ENV_CONFIG = `environments:
  - name: dev
releases:
  - name: app
    namespace: apps
    chart: charts/app
`;

export function oneEnvRepoFiles(config = ONE_ENV_CONFIG): Record<string, string> {
  return { ".zakenak.yaml": config, ...chartFiles("charts/app") };
}

/** A template that makes `count` large ConfigMaps, to make reports long. */
export function bulkTemplate(count: number): string {
  return `{{- range $i := until ${count} }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: bulk-{{ $i }}
data:
  text: {{ repeat 8 "lorem ipsum dolor " | quote }}
  more: {{ repeat 8 "sit amet consectetur " | quote }}
{{- end }}
`;
}

/** A Pod template running a privileged container (a `privileged-container` error). */
export const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-debug
spec:
  containers:
    - name: debug
      image: busybox:1.36.1
      resources:
        limits: { cpu: 100m, memory: 64Mi }
      securityContext:
        privileged: true
`;

/** A YAML document whose aliases expand to 9^12 nodes. */
export function aliasBomb(): string {
  const lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < 12; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
}
