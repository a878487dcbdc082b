import type { EnvironmentLockOptions } from "../applying/lock-environment.js";
import type { BotContext } from "./bot-context.js";

/** The environment lock's hook onto the bot's metrics, when it has any. */
export function lockMetrics(
  ctx: Pick<BotContext, "metrics">,
  environment: string,
): Pick<EnvironmentLockOptions, "onLocked"> {
  const taken = ctx.metrics?.lockTaken;
  return taken ? { onLocked: () => taken(environment) } : {};
}
