import { DEFAULT_INPUT_LIMITS, type InputLimits } from "../../config/input-limits.js";
import { inputTooLarge } from "./input-too-large.js";

/**
 * Throws `input-too-large` for the first file over the file limit, or for the files of a manifests
 * directory (`dir`, as in the config) together over the render limit.
 */
export function assertManifestSizes(
  release: string,
  dir: string,
  files: readonly { file: string; bytes: number }[],
  limits: InputLimits = DEFAULT_INPUT_LIMITS,
): void {
  let total = 0;
  for (const { file, bytes } of files) {
    if (bytes > limits.maxFileBytes) {
      throw inputTooLarge(`release ${release}: ${file}`, bytes, "maxFileBytes", limits.maxFileBytes);
    }
    total += bytes;
  }
  if (total > limits.maxRenderBytes) {
    const what = `release ${release}: ${dir} (${files.length} files)`;
    throw inputTooLarge(what, total, "maxRenderBytes", limits.maxRenderBytes);
  }
}
