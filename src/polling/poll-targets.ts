import { durationMs } from "../config/operations-config.js";
import type { ServerConfig } from "../config/server-config.js";
import { ZakenakError } from "../errors.js";
import type { HostKind, RepoRef } from "../hosts/host-event.js";

/** One repository to poll, on the host it lives on, at its interval. */
export interface PollTarget {
  repo: RepoRef;
  intervalMs: number;
}

/**
 * The repositories the server configuration asks to poll: every name in the `match` of an entry with
 * `poll`, on the entry's `poll.host`, or on the one host configured. A name two entries list is polled
 * as the first lists it, as the first entry is also the one whose grant applies.
 */
export function pollTargets(server: ServerConfig | undefined, hosts: readonly HostKind[]): PollTarget[] {
  const targets = new Map<string, PollTarget>();
  server?.repositories.forEach((entry, i) => {
    if (!entry.poll) return;
    const where = `server configuration repositories[${i}].poll`;
    const host = (entry.poll.host as HostKind | undefined) ?? onlyHost(hosts, where);
    if (!hosts.includes(host)) {
      throw new ZakenakError("config-invalid", `${where}.host: ${host} is not configured for the workers`);
    }
    const intervalMs = durationMs(entry.poll.interval) as number;
    for (const fullName of typeof entry.match === "string" ? [entry.match] : entry.match) {
      const key = fullName.toLowerCase();
      if (!targets.has(key)) targets.set(key, { repo: { host, fullName }, intervalMs });
    }
  });
  return [...targets.values()];
}

function onlyHost(hosts: readonly HostKind[], where: string): HostKind {
  if (hosts.length === 1) return hosts[0] as HostKind;
  throw new ZakenakError(
    "config-invalid",
    `${where}.host: required when several hosts are configured (${hosts.join(", ")})`,
  );
}
