import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePorts } from "../../../src/control-plane/free-ports.js";
import { httpStatus } from "../../../src/control-plane/http-status.js";
import { logTail } from "../../../src/control-plane/log-tail.js";
import { stopProcess } from "../../../src/control-plane/stop-process.js";
import { waitUntil } from "../../../src/control-plane/wait-until.js";
import { giteaAppIni } from "./gitea-app-ini.js";
import { type GiteaBuild, giteaBuild } from "./gitea-build.js";

const execFileAsync = promisify(execFile);

export interface GiteaServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:40123/ (the same as ROOT_URL). */
  url: string;
  adminUser: string;
  adminPassword: string;
  /** An access token of the admin with scope "all". */
  adminToken: string;
  /** Holds app.ini, the SQLite database, repositories and logs. */
  dir: string;
  appIni: string;
  pid: number;
  logs: { gitea: string; stdout: string };
  /** SIGTERM, SIGKILL after a grace period, then removes dir unless ZAKENAK_KEEP_GITEA is set. Idempotent. */
  stop(): Promise<void>;
}

export interface StartGiteaOptions {
  /** Where everything goes; created if missing and left in place by stop(), as the caller owns it. */
  dir?: string;
  /** Defaults to the cached build of ZAKENAK_GITEA_VERSION, built on first use. */
  build?: GiteaBuild;
  adminUser?: string;
  readyTimeoutMs?: number;
  /** How long SIGTERM gets before SIGKILL in stop(). */
  stopGraceMs?: number;
}

// "admin" itself is a reserved user name in Gitea.
const defaultAdminUser = "zakenak-admin";

function giteaEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // GITEA__section__KEY variables would override app.ini, and a GITEA_CUSTOM would point elsewhere.
    if (!key.startsWith("GITEA_")) env[key] = value;
  }
  return {
    ...env,
    GITEA_WORK_DIR: dir,
    GITEA_CUSTOM: join(dir, "custom"),
    // Git, run by Gitea and by its hooks, must not read the user's ~/.gitconfig.
    HOME: join(dir, "home"),
  };
}

async function runGitea(build: GiteaBuild, args: string[], env: NodeJS.ProcessEnv, dir: string) {
  try {
    await execFileAsync(build.binary, args, { env, cwd: dir, timeout: 120_000, maxBuffer: 16 << 20 });
  } catch (error) {
    const {
      stdout = "",
      stderr = "",
      message,
    } = error as { stdout?: string; stderr?: string; message: string };
    const output = `${stdout}${stderr}`.trim().split("\n").slice(-20).join("\n");
    throw new Error(`gitea ${args.slice(0, 3).join(" ")} failed: ${message}\n${output}`);
  }
}

function launchWeb(build: GiteaBuild, appIni: string, env: NodeJS.ProcessEnv, dir: string, out: string) {
  // Output goes to a file rather than a pipe: nobody reads a pipe, and a full one would block Gitea.
  const fd = openSync(out, "w");
  let child: ChildProcess;
  try {
    child = spawn(build.binary, ["web", "--config", appIni], { env, cwd: dir, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
  // The test run must not wait on Gitea to exit by itself: stop() ends it.
  child.unref();
  return child;
}

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

async function createAdminToken(url: string, user: string, password: string): Promise<string> {
  const response = await fetch(new URL(`api/v1/users/${encodeURIComponent(user)}/tokens`, url), {
    method: "POST",
    headers: { Authorization: basicAuth(user, password), "Content-Type": "application/json" },
    // A unique name: Gitea refuses a second token with the same name for a user.
    body: JSON.stringify({ name: `zakenak-${randomBytes(4).toString("hex")}`, scopes: ["all"] }),
  });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`creating the admin token: ${response.status} ${text}`);
  const token = (JSON.parse(text) as { sha1?: string }).sha1;
  if (!token) throw new Error(`creating the admin token: no sha1 in ${text}`);
  return token;
}

/**
 * A Gitea server owned by this process, for tests: SQLite, loopback only, already installed, with an admin
 * user and an API token. Set ZAKENAK_KEEP_GITEA to keep its directory (logs, database) after stop().
 */
export async function startGitea(opts: StartGiteaOptions = {}): Promise<GiteaServer> {
  const build = opts.build ?? (await giteaBuild());
  const ownsDir = opts.dir === undefined;
  // Absolute paths: app.ini and the git hooks Gitea writes are read from other working directories.
  const dir = resolve(opts.dir ?? (await mkdtemp(join(tmpdir(), "zakenak-gitea-"))));
  await mkdir(join(dir, "log"), { recursive: true, mode: 0o700 });
  await mkdir(join(dir, "home"), { recursive: true });
  const [port = 0] = await freePorts(1);
  const url = `http://127.0.0.1:${port}/`;
  const appIni = join(dir, "app.ini");
  const logs = { gitea: join(dir, "log", "gitea.log"), stdout: join(dir, "log", "gitea-web.out") };
  await writeFile(
    appIni,
    giteaAppIni({
      dir,
      port,
      staticRoot: build.dir,
      secrets: {
        secretKey: randomBytes(32).toString("hex"),
        internalToken: randomBytes(48).toString("base64url"),
        jwtSecret: randomBytes(32).toString("base64url"),
      },
    }),
    { mode: 0o600 },
  );
  const env = giteaEnv(dir);
  const adminUser = opts.adminUser ?? defaultAdminUser;
  const adminPassword = randomBytes(18).toString("base64url");

  let child: ChildProcess | undefined;
  // A test run that exits without stop() (a crash, process.exit) must not leave Gitea running.
  const killOnExit = () => {
    try {
      if (child?.pid !== undefined) process.kill(child.pid, "SIGKILL");
    } catch {}
  };
  process.on("exit", killOnExit);
  const describeLogs = async () =>
    `last lines of ${logs.gitea}:\n${await logTail(logs.gitea)}\nlast lines of ${logs.stdout}:\n${await logTail(logs.stdout)}`;
  let adminToken: string;
  try {
    await runGitea(build, ["migrate", "--config", appIni], env, dir);
    await runGitea(
      build,
      [
        "admin",
        "user",
        "create",
        "--admin",
        "--username",
        adminUser,
        "--password",
        adminPassword,
        "--email",
        `${adminUser}@example.com`,
        "--must-change-password=false",
        "--config",
        appIni,
      ],
      env,
      dir,
    );
    const web = launchWeb(build, appIni, env, dir, logs.stdout);
    child = web;
    if (web.pid === undefined) {
      const error = await new Promise<Error>((settle) => web.once("error", settle));
      throw new Error(`cannot start ${build.binary}: ${error.message}`);
    }
    await waitUntil(
      async () => {
        if (web.exitCode !== null || web.signalCode !== null) {
          const how = web.signalCode ?? `exit code ${web.exitCode}`;
          throw new Error(`gitea web exited early (${how}); ${await describeLogs()}`);
        }
        return (await httpStatus(new URL("api/v1/version", url).href)) === 200 ? true : undefined;
      },
      {
        timeoutMs: opts.readyTimeoutMs ?? 60_000,
        intervalMs: 200,
        what: `${url}api/v1/version to answer 200`,
        detail: describeLogs,
      },
    );
    adminToken = await createAdminToken(url, adminUser, adminPassword);
  } catch (error) {
    if (child?.pid !== undefined) await stopProcess(child.pid, { graceMs: 2_000 }).catch(() => {});
    process.off("exit", killOnExit);
    // The directory is kept on failure: its logs are what explains it.
    throw new Error(`gitea did not start (logs in ${dir}): ${(error as Error).message}`, { cause: error });
  }
  const pid = child.pid as number;

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    await stopProcess(pid, { graceMs: opts.stopGraceMs ?? 10_000 });
    process.off("exit", killOnExit);
    if (ownsDir && !process.env.ZAKENAK_KEEP_GITEA) await rm(dir, { recursive: true, force: true });
  };
  return {
    url,
    adminUser,
    adminPassword,
    adminToken,
    dir,
    appIni,
    pid,
    logs,
    stop: () => {
      stopping ??= stop();
      return stopping;
    },
  };
}
