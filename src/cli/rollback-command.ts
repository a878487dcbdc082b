import { parseArgs } from "node:util";
import { rollbackEnvironment } from "../applying/rollback-environment.js";
import { ZakenakError } from "../errors.js";
import type { CliIo } from "./cli-io.js";
import { CLUSTER_OPTIONS, openCluster } from "./cluster-options.js";
import { CHANGE_OPTIONS, cliLockOptions, parseLockArgs } from "./lock-wait.js";

/** `zakenak rollback --env NAME [--to N]`: re-applies a stored revision; exit 0 healthy, 1 otherwise. */
export async function rollbackCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...CLUSTER_OPTIONS,
      to: { type: "string" },
      ...CHANGE_OPTIONS,
    },
    strict: true,
  });
  const to = values.to === undefined ? undefined : Number(values.to);
  if (to !== undefined && !(Number.isInteger(to) && to > 0)) {
    throw new ZakenakError("usage", `--to must be a revision number, got "${values.to}"`);
  }
  const lockArgs = parseLockArgs(values);
  const session = await openCluster(values, io, "rollback");
  try {
    const log = (line: string) => io.stderr.write(`${line}\n`);
    const outcome = await rollbackEnvironment({
      client: session.client,
      environment: session.environment,
      ...(to !== undefined ? { to } : {}),
      actor: session.actor,
      ...cliLockOptions(session, lockArgs, log),
      wait: !values["no-wait"],
      log,
    });
    io.stdout.write(`${outcome.message}\n`);
    return outcome.result === "succeeded" ? 0 : 1;
  } finally {
    session.client.close();
  }
}
