import type { EnvConfig } from "../config/env-config.js";
import { ZakenakError } from "../errors.js";
import { describeHostVariables } from "../hosts/describe-host-variables.js";
import type { GitHost } from "../hosts/git-host.js";
import type { HostKind, RepoRef } from "../hosts/host-event.js";
import { HOSTS } from "../hosts/host-registry.js";

/**
 * The host client for each repository, from the process configuration: each enabled host's descriptor
 * makes them (one client per token host, an Octokit per GitHub App installation). Adapters are loaded
 * only for the hosts configured, on their first job.
 */
export function hostsFromConfig(config: EnvConfig): (repo: RepoRef) => Promise<GitHost> {
  const settings: Partial<Record<HostKind, unknown>> = config.hosts;
  const clients = new Map<HostKind, (repo: RepoRef) => Promise<GitHost>>();
  for (const host of HOSTS) {
    const hostSettings = settings[host.kind];
    if (hostSettings !== undefined) clients.set(host.kind, host.gitHosts(hostSettings));
  }

  return async (repo) => {
    const client = clients.get(repo.host);
    if (client) return client(repo);
    const host = HOSTS.find((h) => h.kind === repo.host);
    if (host) throw notConfigured(host.name, describeHostVariables(host.variables, "list"));
    throw notConfigured(repo.host, "(no adapter in this build)");
  };
}

function notConfigured(host: string, variables: string): ZakenakError {
  return new ZakenakError("config-invalid", `${host} is not configured for the workers (set ${variables})`);
}
