import { join } from "node:path";

export interface GiteaAppIniOptions {
  /** The server's own directory: database, repositories, logs and app data all go below it. */
  dir: string;
  port: number;
  /** The build directory holding options/, templates/ and public/ (Gitea is built without bindata). */
  staticRoot: string;
  /** SECRET_KEY, INTERNAL_TOKEN and the base64url-encoded 32-byte JWT_SECRET. */
  secrets: { secretKey: string; internalToken: string; jwtSecret: string };
}

/**
 * The app.ini of a headless, single-process Gitea for tests: already "installed", SQLite, loopback only,
 * nothing that reaches the network or works in the background unless a test asks for it.
 */
export function giteaAppIni({ dir, port, staticRoot, secrets }: GiteaAppIniOptions): string {
  const dataDir = join(dir, "data");
  const sections: Record<string, Record<string, string | number | boolean>> = {
    "": {
      APP_NAME: "zakenak test gitea",
      RUN_MODE: "prod",
      // Tests and CI containers often run as root, which Gitea refuses unless told otherwise.
      I_AM_BEING_UNSAFE_RUNNING_AS_ROOT: true,
      WORK_PATH: dir,
    },
    server: {
      PROTOCOL: "http",
      HTTP_ADDR: "127.0.0.1",
      HTTP_PORT: port,
      DOMAIN: "127.0.0.1",
      ROOT_URL: `http://127.0.0.1:${port}/`,
      // Git hooks call back into the server through this URL with INTERNAL_TOKEN.
      LOCAL_ROOT_URL: `http://127.0.0.1:${port}/`,
      STATIC_ROOT_PATH: staticRoot,
      APP_DATA_PATH: dataDir,
      OFFLINE_MODE: true,
      DISABLE_SSH: true,
      START_SSH_SERVER: false,
      LFS_START_SERVER: false,
      // stop() sends SIGTERM; the default of 60 s would outlast its grace period on a stuck request.
      GRACEFUL_HAMMER_TIME: "3s",
    },
    database: {
      DB_TYPE: "sqlite3",
      PATH: join(dataDir, "gitea.db"),
      // Webhook tasks are written while requests are served; WAL keeps readers off the writer's lock.
      SQLITE_JOURNAL_MODE: "WAL",
    },
    security: {
      INSTALL_LOCK: true,
      // Given here so Gitea does not generate them and rewrite app.ini on first start.
      SECRET_KEY: secrets.secretKey,
      INTERNAL_TOKEN: secrets.internalToken,
    },
    oauth2: { ENABLED: false, JWT_SECRET: secrets.jwtSecret },
    repository: {
      ROOT: join(dir, "repositories"),
      DEFAULT_BRANCH: "main",
    },
    log: {
      MODE: "file",
      LEVEL: "info",
      ROOT_PATH: join(dir, "log"),
    },
    webhook: {
      // Deliveries go to a server on 127.0.0.1, which Gitea refuses by default (SSRF protection).
      ALLOWED_HOST_LIST: "loopback",
      DELIVER_TIMEOUT: 5,
    },
    service: {
      DISABLE_REGISTRATION: true,
      REQUIRE_SIGNIN_VIEW: false,
      ENABLE_NOTIFY_MAIL: false,
      DEFAULT_KEEP_EMAIL_PRIVATE: false,
    },
    mailer: { ENABLED: false },
    session: { PROVIDER: "memory" },
    cache: { ADAPTER: "memory" },
    // In-memory queues: nothing to persist between runs, and no LevelDB files to lock.
    queue: { TYPE: "channel" },
    // The default bleve issue index is written in the background after every issue and comment.
    indexer: { ISSUE_INDEXER_TYPE: "db", REPO_INDEXER_ENABLED: false },
    actions: { ENABLED: false },
    packages: { ENABLED: false },
    mirror: { ENABLED: false },
    "cron.update_checker": { ENABLED: false },
    other: { SHOW_FOOTER_VERSION: false },
  };
  const lines: string[] = [];
  for (const [section, keys] of Object.entries(sections)) {
    if (section) lines.push("", `[${section}]`);
    for (const [key, value] of Object.entries(keys)) lines.push(`${key} = ${value}`);
  }
  return `${lines.join("\n").trimStart()}\n`;
}
