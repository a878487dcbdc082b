import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { yamlLibrary } from "../config/yaml-library.js";
import { ZakenakError } from "../errors.js";
import type { RegistryAccess } from "../registry/registry-access.js";
import { type ProcessResult, runProcess } from "../tools/run-process.js";
import { type HelmHome, helmHome } from "./helm-home.js";
import { describeChart, type RemoteChart } from "./remote-chart.js";

export interface PullOptions {
  helm: string;
  /** A scratch directory owned by the caller; the archive is left in it. */
  dir: string;
  /** Runs helm when a slot is free; default: at once. */
  slots?: <T>(run: () => Promise<T>) => Promise<T>;
  timeoutMs: number;
}

/** A pulled chart: its digest and the archive (a `.tgz` in the scratch directory). */
export interface PulledChart {
  digest: string;
  archive: string;
}

const REPO_ALIAS = "zakenak";

/**
 * Pulls one chart with `helm pull`: from an OCI registry (the digest is the manifest's, as helm prints
 * it) or from a Helm repository (the digest is the archive's, checked against the index). Failures are
 * `ZakenakError`s naming the chart and its registry, with every credential of `access` taken out.
 */
export async function pullChart(
  chart: RemoteChart,
  access: RegistryAccess,
  opts: PullOptions,
): Promise<PulledChart> {
  const home = await helmHome(opts.dir, access);
  const run = (args: string[], input?: string) =>
    (opts.slots ?? ((f) => f()))(() =>
      runProcess(opts.helm, args, {
        env: home.env,
        timeoutMs: opts.timeoutMs,
        ...(input !== undefined ? { input } : {}),
      }),
    );
  const fail = (res: ProcessResult) => {
    throw pullError(chart, access, res, opts.timeoutMs);
  };
  if (chart.kind === "oci") {
    const res = await run([
      "pull",
      chart.source,
      "--version",
      chart.version,
      "--destination",
      home.out,
      "--registry-config",
      home.registryConfig,
      ...(access.plainHttp ? ["--plain-http"] : []),
      ...home.caArgs,
    ]);
    if (res.code !== 0) fail(res);
    const digest = /^Digest: (sha256:[0-9a-f]{64})$/m.exec(`${res.stderr}\n${res.stdout}`)?.[1];
    if (!digest) throw failure(chart, access, "helm pull printed no digest");
    return { digest, archive: await onlyArchive(home, chart, access) };
  }
  const credentials = access.username !== undefined && access.password !== undefined;
  const repoArgs = ["--repository-config", home.repositoryConfig, "--repository-cache", home.repositoryCache];
  const added = await run(
    [
      "repo",
      "add",
      REPO_ALIAS,
      chart.source,
      ...repoArgs,
      ...(credentials ? ["--username", access.username as string, "--password-stdin"] : []),
      ...home.caArgs,
    ],
    credentials ? access.password : undefined,
  );
  if (added.code !== 0) fail(added);
  const expected = await indexDigest(home, chart, access);
  const pulled = await run([
    "pull",
    `${REPO_ALIAS}/${chart.name}`,
    "--version",
    chart.version,
    "--destination",
    home.out,
    ...repoArgs,
    ...home.caArgs,
  ]);
  if (pulled.code !== 0) fail(pulled);
  const archive = await onlyArchive(home, chart, access);
  const digest = `sha256:${createHash("sha256")
    .update(await readFile(archive))
    .digest("hex")}`;
  if (expected !== undefined && digest !== `sha256:${expected}`) {
    throw failure(
      chart,
      access,
      `the archive's digest ${digest} differs from the index's sha256:${expected}`,
    );
  }
  return { digest, archive };
}

/** The digest the repository's index gives the chart version (helm repo index writes one), if any. */
async function indexDigest(
  home: HelmHome,
  chart: RemoteChart,
  access: RegistryAccess,
): Promise<string | undefined> {
  const file = join(home.repositoryCache, `${REPO_ALIAS}-index.yaml`);
  const index = yamlLibrary().parse(await readFile(file, "utf8"), { maxAliasCount: 100 }) as {
    entries?: Record<string, { version?: string; digest?: string }[]>;
  } | null;
  const versions = index?.entries?.[chart.name];
  if (!Array.isArray(versions)) {
    throw failure(chart, access, `the repository's index.yaml has no chart named ${chart.name}`);
  }
  const entry = versions.find((v) => v.version === chart.version);
  if (!entry) {
    const known = versions
      .slice(0, 5)
      .map((v) => v.version)
      .join(", ");
    throw failure(
      chart,
      access,
      `the repository's index.yaml has no version ${chart.version} (newest listed: ${known})`,
    );
  }
  return typeof entry.digest === "string" && /^[0-9a-f]{64}$/.test(entry.digest) ? entry.digest : undefined;
}

async function onlyArchive(home: HelmHome, chart: RemoteChart, access: RegistryAccess): Promise<string> {
  const files = (await readdir(home.out)).filter((f) => f.endsWith(".tgz"));
  if (files.length !== 1)
    throw failure(chart, access, `helm pull left ${files.length} archives, expected one`);
  return join(home.out, files[0] as string);
}

function pullError(
  chart: RemoteChart,
  access: RegistryAccess,
  res: ProcessResult,
  timeoutMs: number,
): ZakenakError {
  if (res.timedOut) return failure(chart, access, `no answer within ${Math.round(timeoutMs / 1000)} s`);
  const lines = res.stderr.split("\n").map((l) => l.trim());
  const message =
    lines
      .find((l) => l.startsWith("Error:"))
      ?.replace(/^Error:\s*/, "")
      .trim() ||
    lines.find((l) => l !== "") ||
    `exit code ${res.code}`;
  return failure(chart, access, `${message}${hint(message, access)}`);
}

/** What a person should do about the most common failures, which helm words for a machine. */
function hint(message: string, access: RegistryAccess): string {
  const credentials = access.username !== undefined;
  if (/\b401\b|unauthorized|credential|authentication required/i.test(message)) {
    return credentials
      ? ` (${access.host} refused the credentials configured for it)`
      : ` (${access.host} asks for credentials and none are configured for it under registries)`;
  }
  if (/\b403\b|forbidden|denied/i.test(message))
    return ` (the credentials configured for ${access.host} may not read this chart)`;
  if (/connection refused|no such host|i\/o timeout|dial tcp|EOF$/i.test(message))
    return ` (cannot reach ${access.host})`;
  if (/server gave HTTP response to HTTPS client/i.test(message)) {
    return ` (${access.host} speaks plain HTTP: set plainHttp: true for it under registries)`;
  }
  return "";
}

function failure(chart: RemoteChart, access: RegistryAccess, why: string): ZakenakError {
  return new ZakenakError(
    "render-failed",
    redactCredentials(`cannot pull chart ${describeChart(chart)}: ${why}`, access),
  );
}

/** Takes the registry's password, and the Basic header made from it, out of a text. */
export function redactCredentials(text: string, access: RegistryAccess): string {
  const secrets = [access.password];
  if (access.username !== undefined && access.password !== undefined) {
    secrets.push(Buffer.from(`${access.username}:${access.password}`).toString("base64"));
  }
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("***");
  return out;
}
