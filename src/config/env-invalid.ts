import { ZakenakError } from "../errors.js";

/** The one-line error for a bad or missing variable. `problem` must never contain the variable's value. */
export function envInvalid(variable: string, problem: string): ZakenakError {
  return new ZakenakError("config-invalid", `${variable}: ${problem}`);
}
