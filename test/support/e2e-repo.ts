/** Files of the repository every end-to-end loop deploys: one environment on `develop`, one release. */

export function e2eZakenakYaml(env: string): string {
  return [
    "environments:",
    `  - name: ${env}`,
    "    branch: develop",
    "releases:",
    "  - name: app",
    "    manifests: manifests",
    "policy:",
    "  rollback: write",
    "",
  ].join("\n");
}

/** A Namespace and a ConfigMap `settings` in it with `color`. */
export function e2eManifests(namespace: string, color: string): string {
  return [
    "apiVersion: v1",
    "kind: Namespace",
    "metadata:",
    `  name: ${namespace}`,
    "---",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: settings",
    `  namespace: ${namespace}`,
    "data:",
    `  color: ${color}`,
    "",
  ].join("\n");
}

export const MANIFEST_PATH = "manifests/app.yaml";
