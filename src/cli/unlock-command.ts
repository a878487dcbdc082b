import { parseArgs } from "node:util";
import { forceUnlock } from "../applying/lock/force-unlock.js";
import type { CliIo } from "./cli-io.js";
import { CLUSTER_OPTIONS, openCluster } from "./cluster-options.js";

/** `zakenak unlock --env NAME`: clears a stuck environment lock, whoever holds it. */
export async function unlockCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: CLUSTER_OPTIONS, strict: true });
  const session = await openCluster(values, io, "unlock");
  try {
    const former = await forceUnlock(session.client, session.environment.name);
    io.stdout.write(
      former
        ? `unlocked ${session.environment.name} (was held by ${former})\n`
        : `${session.environment.name} was not locked\n`,
    );
    return 0;
  } finally {
    session.client.close();
  }
}
