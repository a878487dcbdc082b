import type { HarborConfig } from "../../config/harbor-config.js";
import type { HarborAccess, HarborPolicy, HarborSeverity } from "../registry-access.js";

const capitalize = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}` as HarborSeverity;

/** A registry entry's `harbor:` settings as the image check uses them: an API URL and Harbor's severity names. */
export function harborAccessOf(config: HarborConfig, host: string, plainHttp: boolean): HarborAccess {
  const policy: Record<string, HarborPolicy> = {};
  for (const [environment, p] of Object.entries(config.policy)) {
    policy[environment] = {
      ...(p.maxSeverity ? { maxSeverity: capitalize(p.maxSeverity) } : {}),
      ...(p.requireSignature ? { requireSignature: true } : {}),
    };
  }
  return { url: config.url ?? `${plainHttp ? "http" : "https"}://${host}`, policy };
}
