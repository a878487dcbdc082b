import { isZakenakError } from "../errors.js";
import { type CliIo, processIo } from "./cli-io.js";
import { USAGE, VERSION } from "./usage.js";

type Command = (args: string[], io: CliIo) => Promise<number>;

// Loaded on demand: `plan` must not pay for the cluster client's start-up, nor `apply` for anything else.
const COMMANDS: Record<string, () => Promise<Command>> = {
  plan: async () => (await import("./plan-command.js")).planCommand,
  validate: async () => (await import("./validate-command.js")).validateCommand,
  apply: async () => (await import("./apply-command.js")).applyCommand,
  rollback: async () => (await import("./rollback-command.js")).rollbackCommand,
  history: async () => (await import("./history-command.js")).historyCommand,
  drift: async () => (await import("./drift-command.js")).driftCommand,
  unlock: async () => (await import("./unlock-command.js")).unlockCommand,
  serve: async () => (await import("./serve-command.js")).serveCommand,
  worker: async () => (await import("./worker-command.js")).workerCommand,
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
  const load = COMMANDS[command];
  if (!load) {
    io.stderr.write(`zakenak: unknown command "${command}"\n\n${USAGE}`);
    return 1;
  }
  const debug = args.includes("--debug");
  try {
    const run = await load();
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
