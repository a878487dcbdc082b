import { readFileSync } from "node:fs";
import { availableParallelism, cpus, release, totalmem, type } from "node:os";
import { RSS_METHOD_DESCRIPTION } from "./process.mjs";

/** What the figures were measured on; written to bench/machine.json next to results.json. */
export function describeMachine() {
  const list = cpus();
  return {
    cpu: list[0]?.model?.trim() ?? "unknown",
    cores: list.length,
    availableParallelism: availableParallelism(),
    cgroupCpuLimit: cgroupCpuLimit(),
    memoryMB: Math.round(totalmem() / 2 ** 20),
    os: `${type()} ${release()} ${process.arch}`,
    node: process.version,
    nodePath: process.execPath,
    peakRssMethod: RSS_METHOD_DESCRIPTION,
    date: new Date().toISOString(),
  };
}

/** CPUs granted by a cgroup v2 quota ("max" when unlimited), or undefined outside a cgroup v2. */
function cgroupCpuLimit() {
  try {
    const [quota, period] = readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    return quota === "max" ? "max" : Number((Number(quota) / Number(period)).toFixed(2));
  } catch {
    return undefined;
  }
}
