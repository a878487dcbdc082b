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
  return destination ? pino(options, destination) : pino(options);
}
