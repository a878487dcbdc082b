import { runProcess } from "../../src/tools/run-process.js";

/** The parts of an image's OCI configuration that say how a runtime starts it. */
export interface ImageConfig {
  user: string;
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  workingDir: string;
  volumes: string[];
  labels: Record<string, string>;
  stopSignal: string;
  exposedPorts: string[];
}

/** Reads an image's configuration from the local store with `buildah inspect`. */
export async function readImageConfig(image: string): Promise<ImageConfig> {
  const res = await runProcess("buildah", ["inspect", "--type", "image", image]);
  if (res.code !== 0) throw new Error(`buildah inspect ${image} failed: ${res.stderr.trim()}`);
  const config = JSON.parse(res.stdout).OCIv1.config ?? {};
  return {
    user: config.User ?? "",
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    env: Object.fromEntries(
      (config.Env ?? []).map((pair: string) => [
        pair.slice(0, pair.indexOf("=")),
        pair.slice(pair.indexOf("=") + 1),
      ]),
    ),
    workingDir: config.WorkingDir || "/",
    volumes: Object.keys(config.Volumes ?? {}),
    labels: config.Labels ?? {},
    stopSignal: config.StopSignal ?? "",
    exposedPorts: Object.keys(config.ExposedPorts ?? {}),
  };
}
