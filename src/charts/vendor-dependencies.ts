import { copyFile, cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedChart } from "./chart-resolver.js";

/**
 * A copy of a chart directory with its pulled dependencies added to `charts/`, for helm to render; the
 * original (a working tree, an extracted revision) is never written to. `remove` deletes the copy.
 */
export async function vendorDependencies(
  chartDir: string,
  dependencies: readonly ResolvedChart[],
): Promise<{ dir: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "zakenak-chart-"));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const dir = join(root, "chart");
    // Symlinks were checked to stay inside the repository when the render's inputs were hashed.
    await cp(chartDir, dir, { recursive: true, dereference: true });
    await mkdir(join(dir, "charts"), { recursive: true });
    for (const dep of dependencies) {
      await copyFile(dep.archive, join(dir, "charts", `${dep.chart.name}-${dep.chart.version}.tgz`));
    }
    return { dir, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
