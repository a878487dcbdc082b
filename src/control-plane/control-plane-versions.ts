export interface ControlPlaneVersions {
  kubernetes: string;
  etcd: string;
}

function withV(version: string): string {
  return version.startsWith("v") ? version : `v${version}`;
}

// Must agree with scripts/build-control-plane.sh, which keys its cache on the same two versions.
export function controlPlaneVersions(env: NodeJS.ProcessEnv = process.env): ControlPlaneVersions {
  return {
    kubernetes: withV(env.ZAKENAK_K8S_VERSION || "v1.36.3"),
    etcd: withV(env.ZAKENAK_ETCD_VERSION || "v3.6.16"),
  };
}
