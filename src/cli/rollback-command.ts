import { parseArgs } from "node:util";
import { rollbackEnvironment } from "../applying/rollback-environment.js";
import { ZakenakError } from "../errors.js";
import type { CliIo } from "./cli-io.js";
import { CLUSTER_OPTIONS, openCluster } from "./cluster-options.js";
import { describeLockWait, parseSeconds } from "./lock-wait.js";

/** `zakenak rollback --env NAME [--to N]`: re-applies a stored revision; exit 0 healthy, 1 otherwise. */
export async function rollbackCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...CLUSTER_OPTIONS,
      to: { type: "string" },
      "no-wait": { type: "boolean" },
      "lock-timeout": { type: "string", default: "300" },
      "lease-seconds": { type: "string", default: "30" },
    },
    strict: true,
  });
  const to = values.to === undefined ? undefined : Number(values.to);
  if (to !== undefined && !(Number.isInteger(to) && to > 0)) {
    throw new ZakenakError("usage", `--to must be a revision number, got "${values.to}"`);
  }
  const lockWaitMs = parseSeconds(values["lock-timeout"], "--lock-timeout") * 1000;
  const leaseSeconds = parseSeconds(values["lease-seconds"], "--lease-seconds");
  if (leaseSeconds < 1) throw new ZakenakError("usage", "--lease-seconds must be at least 1");
  const session = await openCluster(values, io, "rollback");
  try {
    const log = (line: string) => io.stderr.write(`${line}\n`);
    const outcome = await rollbackEnvironment({
      client: session.client,
      environment: session.environment,
      ...(to !== undefined ? { to } : {}),
      actor: session.actor,
      holder: session.holder,
      holderDescription: session.holderDescription,
      lockWaitMs,
      leaseSeconds,
      wait: !values["no-wait"],
      log,
      onLockWait: (info) => log(describeLockWait(session.environment.name, info)),
    });
    io.stdout.write(`${outcome.message}\n`);
    return outcome.result === "succeeded" ? 0 : 1;
  } finally {
    session.client.close();
  }
}
