import { ZakenakError } from "../errors.js";
import { describeHostVariables } from "./describe-host-variables.js";
import { HOSTS } from "./host-registry.js";

/** The error `serve` and `worker` stop with when no host is enabled; names every host's variables. */
export function noHostConfigured(): ZakenakError {
  const groups = HOSTS.map((host) => describeHostVariables(host.variables, "slashes"));
  const last = groups.pop();
  const choices =
    groups.length === 0 ? last : `${groups.join(", ")}${groups.length > 1 ? "," : ""} or ${last}`;
  return new ZakenakError("config-invalid", `no Git host configured: set ${choices}`);
}
