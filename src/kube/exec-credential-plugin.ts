import { spawn } from "node:child_process";
import { isatty } from "node:tty";
import type { ClientCertificate } from "./kube-connection.js";

/** The `exec` block of a kubeconfig user, checked. */
export interface ExecPluginConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode: "Never" | "IfAvailable" | "Always";
}

/** What a plugin run yields; `cert` keeps its identity until the plugin hands out a different one. */
export interface ExecCredential {
  token?: string;
  cert?: ClientCertificate;
}

/** The ExecCredential versions whose contract this implements; others are left to the client library. */
export const EXEC_CREDENTIAL_VERSIONS: readonly string[] = [
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
];

interface ExecCredentialStatus {
  token?: unknown;
  clientCertificateData?: unknown;
  clientKeyData?: unknown;
  expirationTimestamp?: unknown;
}

/**
 * A client-go credential plugin (`users[].user.exec`): runs the command, reads the ExecCredential it
 * prints, and keeps it until its `expirationTimestamp` (for good when it has none) or until the server
 * rejects it. Concurrent callers share one run.
 */
export class ExecCredentialPlugin {
  private readonly config: ExecPluginConfig;
  /** `spec.cluster` for plugins that ask for it (`provideClusterInfo`). */
  private readonly cluster: Record<string, unknown> | undefined;
  private cached: { credential: ExecCredential; expiresAt: number } | undefined;
  private pending: Promise<ExecCredential> | undefined;

  constructor(config: ExecPluginConfig, cluster?: Record<string, unknown>) {
    this.config = config;
    this.cluster = cluster;
  }

  /** The credential handed out last, even if it has expired since. */
  get current(): ExecCredential | undefined {
    return this.cached?.credential;
  }

  credential(): Promise<ExecCredential> {
    if (this.cached && Date.now() < this.cached.expiresAt) return Promise.resolve(this.cached.credential);
    this.pending ??= this.run().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Treats the cached credential as expired: the next request runs the plugin again. */
  invalidate(): void {
    if (this.cached) this.cached.expiresAt = Number.NEGATIVE_INFINITY;
  }

  private async run(): Promise<ExecCredential> {
    const { command, apiVersion, interactiveMode } = this.config;
    // Like client-go: interactive only when a person can answer a prompt on our stdin.
    const interactive = interactiveMode !== "Never" && isatty(0);
    if (interactiveMode === "Always" && !interactive) {
      throw new Error(
        `exec plugin "${command}" needs an interactive terminal, and standard input is not one`,
      );
    }
    const info = {
      apiVersion,
      kind: "ExecCredential",
      spec: {
        interactive,
        ...(this.config.provideClusterInfo && this.cluster ? { cluster: this.cluster } : {}),
      },
    };
    const { stdout, code, stderr } = await this.spawn(JSON.stringify(info), interactive);
    if (code !== 0) {
      const said = stderr.trim().slice(-1000);
      throw new Error(`exec plugin "${command}" exited with code ${code}${said ? `: ${said}` : ""}`);
    }
    let printed: { apiVersion?: unknown; kind?: unknown; status?: ExecCredentialStatus };
    try {
      printed = JSON.parse(stdout);
    } catch (error) {
      throw new Error(`exec plugin "${command}" printed no JSON: ${(error as Error).message}`);
    }
    if (printed?.kind !== "ExecCredential") {
      throw new Error(`exec plugin "${command}" printed a ${String(printed?.kind)}, not an ExecCredential`);
    }
    if (printed.apiVersion !== apiVersion) {
      throw new Error(
        `exec plugin "${command}" is configured for ${apiVersion} but printed ${String(printed.apiVersion)}`,
      );
    }
    const credential = this.credentialFrom(printed.status ?? {});
    const expiry = printed.status?.expirationTimestamp;
    const expiresAt = typeof expiry === "string" && expiry ? Date.parse(expiry) : Number.POSITIVE_INFINITY;
    if (Number.isNaN(expiresAt)) {
      throw new Error(`exec plugin "${command}" printed an unreadable expirationTimestamp "${expiry}"`);
    }
    this.cached = { credential, expiresAt };
    return credential;
  }

  private credentialFrom(status: ExecCredentialStatus): ExecCredential {
    const { command } = this.config;
    const token = typeof status.token === "string" && status.token ? status.token : undefined;
    const certData = typeof status.clientCertificateData === "string" ? status.clientCertificateData : "";
    const keyData = typeof status.clientKeyData === "string" ? status.clientKeyData : "";
    if (Boolean(certData) !== Boolean(keyData)) {
      throw new Error(
        `exec plugin "${command}" printed a client certificate without its key, or the reverse`,
      );
    }
    if (!token && !certData) {
      throw new Error(`exec plugin "${command}" printed neither a token nor a client certificate`);
    }
    if (!certData) return { token };
    const previous = this.cached?.credential.cert;
    // The same certificate again keeps the same object, so pooled connections are kept.
    const cert =
      previous && previous.cert === certData && previous.key === keyData
        ? previous
        : { cert: certData, key: keyData };
    return { ...(token ? { token } : {}), cert };
  }

  private spawn(
    execInfo: string,
    interactive: boolean,
  ): Promise<{ stdout: string; stderr: string; code: number | null }> {
    const { command, args, env, installHint } = this.config;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        env: {
          ...process.env,
          ...Object.fromEntries(env.map((e) => [e.name, e.value])),
          KUBERNETES_EXEC_INFO: execInfo,
        },
        // A prompting plugin talks to the person through stdin and stderr.
        stdio: [interactive ? "inherit" : "ignore", "pipe", interactive ? "inherit" : "pipe"],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
      child.stderr?.on("data", (chunk: Buffer) => err.push(chunk));
      child.once("error", (error: NodeJS.ErrnoException) => {
        const hint = error.code === "ENOENT" && installHint ? `\n${installHint.trim()}` : "";
        reject(new Error(`cannot run exec plugin "${command}": ${error.message}${hint}`, { cause: error }));
      });
      child.once("close", (code) => {
        resolve({
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
          code,
        });
      });
    });
  }
}
