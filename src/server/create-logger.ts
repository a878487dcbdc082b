import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "../config/env-config.js";

// Belt and braces: no code path logs credentials, but a stray object that carries one is masked.
const REDACT = [
  "token",
  "secret",
  "webhookSecret",
  "privateKey",
  "dashboardToken",
  "*.token",
  "*.secret",
  "*.webhookSecret",
  "*.privateKey",
  "*.dashboardToken",
  "*.*.token",
  "*.*.webhookSecret",
  "*.*.privateKey",
  "headers.authorization",
  'headers["x-gitlab-token"]',
  'headers["private-token"]',
];

/** JSON logs on stdout (or `destination`, for tests), one object a line. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { name: "zakenak" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: "[redacted]" },
  };
  // The process's own stdout gets a buffered writer: lines written while a write is in flight go out
  // together (one write per burst, not one per request under load), and pino flushes it on exit.
  const target =
    destination === undefined || destination === process.stdout
      ? pino.destination({ dest: 1, sync: false })
      : destination;
  return pino(options, target);
}
