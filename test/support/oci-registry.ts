import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { freePorts } from "../../src/control-plane/free-ports.js";
import { generatePki } from "../../src/control-plane/generate-pki.js";
import { httpStatus } from "../../src/control-plane/http-status.js";
import { logTail } from "../../src/control-plane/log-tail.js";
import { stopProcess } from "../../src/control-plane/stop-process.js";
import { waitUntil } from "../../src/control-plane/wait-until.js";
import { registryBinary } from "./registry/registry-build.js";
import { startTokenServer, type TokenServer } from "./registry/token-server.js";

export { pushImageManifest } from "./registry/push-image-manifest.js";

export interface OciRegistry {
  /** `127.0.0.1:PORT`, as image references and `oci://` chart references name it. */
  host: string;
  /** `http://127.0.0.1:PORT` (`https://` with `tls`), no trailing slash. */
  url: string;
  /** Set when the registry requires authentication. */
  username?: string;
  password?: string;
  /** The token service, with `auth.scheme: "token"`. */
  tokenServer?: TokenServer;
  /** Holds the configuration, the htpasswd file, the storage and the log. */
  dir: string;
  /** With `tls`: the PEM file of the throw-away CA that signed the registry's certificate. */
  caFile?: string;
  log: string;
  /** Stops the registry and removes its directory (unless ZAKENAK_KEEP_REGISTRY is set). Idempotent. */
  stop(): Promise<void>;
}

export interface StartOciRegistryOptions {
  /**
   * Requires these credentials; unset: anonymous access. `htpasswd` (the default) checks them as Basic
   * auth on every request; `token` answers with a Bearer challenge whose realm, a token service started
   * beside the registry, trades them for a JWT (the flow of Docker Hub, ghcr.io and Harbor).
   */
  auth?: { username: string; password: string; scheme?: "htpasswd" | "token" };
  readyTimeoutMs?: number;
  /** Serve HTTPS with a certificate for 127.0.0.1 from a throw-away CA (`caFile`); default plain HTTP. */
  tls?: boolean;
}

/**
 * A CNCF distribution registry (the reference OCI registry, built from its Go module) on a free loopback
 * port, plain HTTP (HTTPS with `tls`), filesystem storage in a temporary directory. Ready once `/v2/`
 * answers (200, or 401 when authentication is required).
 */
export async function startOciRegistry(opts: StartOciRegistryOptions = {}): Promise<OciRegistry> {
  const binary = await registryBinary();
  const dir = await mkdtemp(join(tmpdir(), "zakenak-registry-"));
  const [port = 0] = await freePorts(1);
  const host = `127.0.0.1:${port}`;
  const url = `${opts.tls ? "https" : "http"}://${host}`;
  const log = join(dir, "registry.log");
  await mkdir(join(dir, "storage"), { mode: 0o700 });
  const tokenServer = opts.auth?.scheme === "token" ? await startTokenServer(opts.auth) : undefined;
  const pki = opts.tls ? await generatePki(join(dir, "pki")) : undefined;
  const ca = pki ? await readFile(pki.caCert) : undefined;
  if (tokenServer) {
    await writeFile(join(dir, "jwks.json"), JSON.stringify(tokenServer.jwks), { mode: 0o600 });
  } else if (opts.auth) {
    // Cost 4, bcrypt's minimum: the registry checks the hash on every request, and tests make many.
    const hash = bcrypt.hashSync(opts.auth.password, 4);
    await writeFile(join(dir, "htpasswd"), `${opts.auth.username}:${hash}\n`, { mode: 0o600 });
  }
  const config = {
    version: 0.1,
    log: { level: "info", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, "storage") }, delete: { enabled: true } },
    http: {
      addr: host,
      secret: randomBytes(16).toString("hex"),
      ...(pki ? { tls: { certificate: pki.servingCert, key: pki.servingKey } } : {}),
    },
    ...(tokenServer
      ? {
          auth: {
            token: {
              realm: tokenServer.realm,
              service: tokenServer.service,
              issuer: tokenServer.issuer,
              jwks: join(dir, "jwks.json"),
            },
          },
        }
      : opts.auth
        ? { auth: { htpasswd: { realm: "zakenak-test", path: join(dir, "htpasswd") } } }
        : {}),
  };
  // JSON is YAML: the registry reads it as its configuration file.
  await writeFile(join(dir, "config.yml"), JSON.stringify(config, null, 2), { mode: 0o600 });

  const child = launch(binary, dir, log);
  const killOnExit = () => {
    try {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    } catch {}
  };
  process.on("exit", killOnExit);
  try {
    if (child.pid === undefined) {
      const error = await new Promise<Error>((settle) => child.once("error", settle));
      throw new Error(`cannot start ${binary}: ${error.message}`);
    }
    await waitUntil(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`the registry exited early (${child.signalCode ?? `exit code ${child.exitCode}`})`);
        }
        const status = await httpStatus(`${url}/v2/`, ca ? { ca } : {});
        return status === 200 || status === 401 ? true : undefined;
      },
      {
        timeoutMs: opts.readyTimeoutMs ?? 30_000,
        intervalMs: 50,
        what: `${url}/v2/ to answer`,
        detail: async () => `last lines of ${log}:\n${await logTail(log)}`,
      },
    );
  } catch (error) {
    if (child.pid !== undefined) await stopProcess(child.pid, { graceMs: 2_000 }).catch(() => {});
    process.off("exit", killOnExit);
    await tokenServer?.close();
    throw new Error(`the registry did not start (files in ${dir}): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const pid = child.pid as number;
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await stopProcess(pid, { graceMs: 5_000 });
    process.off("exit", killOnExit);
    await tokenServer?.close();
    if (!process.env.ZAKENAK_KEEP_REGISTRY) await rm(dir, { recursive: true, force: true });
  };
  return {
    host,
    url,
    ...(pki ? { caFile: pki.caCert } : {}),
    ...(opts.auth ? { username: opts.auth.username, password: opts.auth.password } : {}),
    ...(tokenServer ? { tokenServer } : {}),
    dir,
    log,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}

function launch(binary: string, dir: string, log: string): ChildProcess {
  // Output goes to a file: nobody reads a pipe, and a full one would block the registry.
  const fd = openSync(log, "w");
  try {
    const child = spawn(binary, ["serve", join(dir, "config.yml")], {
      cwd: dir,
      stdio: ["ignore", fd, fd],
      env: {
        ...process.env,
        // The registry's OpenTelemetry exporters would otherwise try to reach a collector.
        OTEL_TRACES_EXPORTER: "none",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_LOGS_EXPORTER: "none",
        OTEL_SDK_DISABLED: "true",
      },
    });
    // The test run must not wait for the registry to exit by itself: stop() ends it.
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}
