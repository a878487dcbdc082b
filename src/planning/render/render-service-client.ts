import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { ZakenakError } from "../../errors.js";

/** One chart to render, as the render service's protocol names it (render-service/protocol.go). */
export interface RenderServiceRequest {
  chartDir: string;
  valuesFiles: string[];
  values?: Record<string, unknown>;
  releaseName: string;
  namespace?: string;
  kubeVersion?: string;
  apiVersions?: string[];
  includeCrds?: boolean;
  skipTests?: boolean;
}

/** What `helm template` would print: its stdout, or its error (without "Error: "). */
export type RenderServiceResult = { manifest: string } | { error: string };

interface Pending {
  resolve: (r: RenderServiceResult) => void;
  reject: (e: Error) => void;
}

/** A service process and the answers it still owes. */
interface Service {
  child: ChildProcessWithoutNullStreams;
  pending: Map<string, Pending>;
  stderrTail: string;
}

/**
 * A long-lived render service process: started on the first request, shared by every render after it
 * (requests are multiplexed by id and run concurrently in the service), started again on the next request
 * if it dies. While no request is in flight the process does not keep Node's event loop alive, so a CLI
 * exits without closing it; a worker closes it on shutdown.
 */
export class RenderServiceClient {
  private service: Service | undefined;
  private nextId = 0;

  constructor(
    private readonly binary: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Process id of the running service, if any (for tests and the benchmark). */
  get pid(): number | undefined {
    return this.service?.child.pid;
  }

  render(request: RenderServiceRequest): Promise<RenderServiceResult> {
    const service = this.service ?? this.start();
    const id = String(++this.nextId);
    return new Promise<RenderServiceResult>((resolve, reject) => {
      service.pending.set(id, { resolve, reject });
      hold(service.child, true);
      service.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  /** Ends the service: stdin closes, renders in flight finish, then the process exits. */
  async close(): Promise<void> {
    const child = this.service?.child;
    if (!child) return;
    this.service = undefined;
    hold(child, true);
    const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
    child.stdin.end();
    await exited;
  }

  private start(): Service {
    const child = spawn(this.binary, [], { env: this.env, stdio: ["pipe", "pipe", "pipe"] });
    const service: Service = { child, pending: new Map(), stderrTail: "" };
    this.service = service;
    createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) =>
      this.receive(service, line),
    );
    child.stderr.on("data", (b: Buffer) => {
      // Only the end matters: it says why the service died.
      service.stderrTail = (service.stderrTail + b.toString("utf8")).slice(-2000);
    });
    // A write to a service that just died fails here; the close handler below rejects its request.
    child.stdin.on("error", () => {});
    child.on("error", (error) =>
      this.fail(service, `could not start render service ${this.binary}: ${error.message}`),
    );
    child.on("close", (code, signal) => {
      const why = service.stderrTail.trim().split("\n").at(-1) ?? "";
      this.fail(
        service,
        `render service ${this.binary} exited (${signal ?? `code ${code}`})${why ? `: ${why}` : ""}`,
      );
    });
    hold(child, false);
    return service;
  }

  private receive(service: Service, line: string): void {
    const { child, pending: owed } = service;
    let message: { id?: string; manifest?: string; error?: string };
    try {
      message = JSON.parse(line);
    } catch {
      this.fail(
        service,
        `render service ${this.binary} wrote a line that is not JSON: ${line.slice(0, 200)}`,
      );
      child.kill("SIGKILL");
      return;
    }
    const pending = message.id === undefined ? undefined : owed.get(message.id);
    if (!pending || message.id === undefined) return;
    owed.delete(message.id);
    if (owed.size === 0 && this.service === service) hold(child, false);
    pending.resolve(message.error ? { error: message.error } : { manifest: message.manifest ?? "" });
  }

  /** Rejects what the dead process owed; the next request starts a new one. */
  private fail(service: Service, message: string): void {
    if (this.service === service) this.service = undefined;
    const owed = [...service.pending.values()];
    service.pending.clear();
    for (const p of owed) p.reject(new ZakenakError("render-failed", message));
  }
}

/** Keeps Node alive for a service process only while it owes answers (or is being closed). */
function hold(child: ChildProcessWithoutNullStreams, busy: boolean): void {
  // The pipes are sockets; their ref/unref is not in the stream types.
  const streams = [child.stdin, child.stdout, child.stderr] as unknown as { ref?(): void; unref?(): void }[];
  if (busy) {
    child.ref();
    for (const s of streams) s.ref?.();
  } else {
    child.unref();
    for (const s of streams) s.unref?.();
  }
}
