import { INPUT_LIMIT_VARIABLES, type InputLimits } from "../../config/input-limits.js";
import { ZakenakError } from "../../errors.js";
import { formatBytes } from "../../model/format-bytes.js";

/**
 * The one error for input refused before parsing: what it is, its size, the limit and the variable that
 * sets it. Not retryable: the same input is refused again.
 */
export function inputTooLarge(
  what: string,
  bytes: number | undefined,
  limit: keyof Pick<InputLimits, "maxFileBytes" | "maxRenderBytes">,
  value: number,
): ZakenakError {
  const size = bytes === undefined ? `more than ${formatBytes(value)}` : formatBytes(bytes);
  const kind = limit === "maxFileBytes" ? "a manifest file" : "one release's rendered YAML";
  return new ZakenakError(
    "input-too-large",
    `${what} is ${size}${bytes === undefined ? "" : ` (${bytes} bytes)`}, over the limit of ${formatBytes(value)} ` +
      `for ${kind} (${INPUT_LIMIT_VARIABLES[limit]}); it was not parsed and nothing of it is applied`,
  );
}
