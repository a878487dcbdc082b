import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type ApiDiscovery, mappingKey } from "./api-discovery.js";
import { KubeApiError } from "./kube-api-error.js";
import type { KubeHttp } from "./kube-http.js";
import { identityScrubber } from "./secret-scrubber.js";

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface Crd {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] };
  status?: { conditions?: Condition[] };
}

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/**
 * Polls the CRD until Established=True, then discovery until each served version of its kind resolves:
 * the API server publishes a new group to discovery shortly after it starts serving it.
 */
export async function waitForCrd(
  http: KubeHttp,
  discovery: ApiDiscovery,
  name: string,
  timeoutMs: number,
  pollMs = 100,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  const describe = {
    action: "wait for",
    target: `CustomResourceDefinition ${name}`,
    server: http.server,
    scrub: identityScrubber,
  };
  const pause = async (waitingFor: string) => {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new KubeApiError(
        "cluster-unavailable",
        `CustomResourceDefinition ${name} did not become usable within ${timeoutMs} ms (${waitingFor})`,
        { retryable: true },
      );
    }
    await sleep(Math.min(pollMs, left));
  };

  let crd: Crd | undefined;
  for (;;) {
    const res = await http.call(
      { method: "GET", path: `${CRD_PATH}/${encodeURIComponent(name)}`, describe },
      [404],
    );
    if (res.status === 200) {
      crd = res.body as Crd;
      const conditions = crd.status?.conditions ?? [];
      const rejected = conditions.find((c) => c.type === "NamesAccepted" && c.status === "False");
      if (rejected) {
        throw new KubeApiError(
          "invalid",
          `CustomResourceDefinition ${name} will not be served: ${rejected.message ?? rejected.reason}`,
          { reason: rejected.reason },
        );
      }
      if (conditions.some((c) => c.type === "Established" && c.status === "True")) break;
    }
    await pause(res.status === 404 ? "it does not exist" : "not Established yet");
  }

  const group = crd.spec?.group ?? "";
  const kind = crd.spec?.names?.kind ?? "";
  const apiVersions = (crd.spec?.versions ?? [])
    .filter((v) => v.served && v.name)
    .map((v) => `${group}/${v.name}`);
  for (;;) {
    const mapping = await discovery.refresh();
    const missing = apiVersions.filter((apiVersion) => !mapping.has(mappingKey(apiVersion, kind)));
    if (missing.length === 0) return;
    await pause(`${kind} in ${missing.join(", ")} not in discovery yet`);
  }
}
