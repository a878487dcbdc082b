import { INPUT_LIMIT_VARIABLES, type InputLimits } from "../../config/input-limits.js";
import { ZakenakError } from "../../errors.js";
import { formatBytes } from "../../model/format-bytes.js";

const KIND = {
  maxFileBytes: "a manifest file",
  maxRenderBytes: "one release's rendered YAML",
} as const;

/**
 * The one error for input refused before parsing: what it is, its size (when known: a program's output is
 * cut off at the limit), the limit and the variable that sets it. Not retryable: the same input is
 * refused again.
 */
export function inputTooLarge(
  what: string,
  bytes: number | undefined,
  limit: keyof Pick<InputLimits, "maxFileBytes" | "maxRenderBytes">,
  value: number,
): ZakenakError {
  const size = bytes === undefined ? "passed" : `is ${formatBytes(bytes)} (${bytes} bytes), over`;
  return new ZakenakError(
    "input-too-large",
    `${what} ${size} the limit of ${formatBytes(value)} for ${KIND[limit]} (${INPUT_LIMIT_VARIABLES[limit]}); ` +
      "it was not parsed and nothing of it is applied",
  );
}
