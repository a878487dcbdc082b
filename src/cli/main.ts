import { isZakenakError } from "../errors.js";
import { type CliIo, processIo } from "./cli-io.js";
import { applyCommand } from "./apply-command.js";
import { historyCommand } from "./history-command.js";
import { planCommand } from "./plan-command.js";
import { rollbackCommand } from "./rollback-command.js";
import { unlockCommand } from "./unlock-command.js";
import { USAGE, VERSION } from "./usage.js";
import { validateCommand } from "./validate-command.js";

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  plan: planCommand,
  validate: validateCommand,
  apply: applyCommand,
  rollback: rollbackCommand,
  history: historyCommand,
  unlock: unlockCommand,
};

/** The `zakenak` command line; returns the exit code. Errors become one line unless --debug. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    io.stdout.write(USAGE);
    return command === undefined ? 1 : 0;
  }
  if (command === "version" || command === "--version") {
    io.stdout.write(`zakenak ${VERSION} (node ${process.version})\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(`zakenak: unknown command "${command}"\n\n${USAGE}`);
    return 1;
  }
  const debug = args.includes("--debug");
  try {
    return await run(args, io);
  } catch (err) {
    if (debug) io.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    if (isZakenakError(err)) {
      io.stderr.write(`zakenak: ${err.message}\n`);
    } else if (err instanceof TypeError && (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr.write(`zakenak: ${err.message}\n\nRun "zakenak help" for usage.\n`);
    } else if (!debug) {
      const msg = err instanceof Error ? err.message : String(err);
      io.stderr.write(`zakenak: unexpected error: ${msg} (run with --debug for details)\n`);
    }
    return 1;
  }
}
