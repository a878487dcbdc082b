import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { waitUntil } from "../../../src/control-plane/wait-until.js";

export interface ReceivedWebhook {
  /** X-Gitea-Event, e.g. "push", "pull_request", "issue_comment". */
  event: string;
  /** X-Gitea-Event-Type, the finer kind, e.g. "pull_request_comment" for a comment on a pull request. */
  eventType: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent: the signature is over these bytes. */
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  payload: unknown;
}

export interface WebhookReceiver {
  /** Where to point a webhook, e.g. http://127.0.0.1:40124/hook. */
  url: string;
  /** Every delivery so far, oldest first. */
  received: ReceivedWebhook[];
  /** The first delivery (old or future) that matches, waiting up to timeoutMs for it. */
  waitFor(
    match: (hook: ReceivedWebhook) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/**
 * A loopback HTTP server that records every POST it gets, for tests that need to see what a forge sends.
 * It answers 200 at once; what it received is checked afterwards.
 */
export async function startWebhookReceiver({
  status = 200,
}: {
  status?: number;
} = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      let payload: unknown;
      try {
        payload = JSON.parse(rawBody.toString("utf8"));
      } catch {}
      received.push({
        event: header(req.headers, "x-gitea-event"),
        eventType: header(req.headers, "x-gitea-event-type"),
        headers: req.headers,
        rawBody,
        payload,
      });
      res.writeHead(status, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    waitFor: (match, what, timeoutMs = 20_000) =>
      waitUntil(() => received.find(match), {
        timeoutMs,
        intervalMs: 50,
        what,
        detail: () =>
          `received so far: ${received.map((hook) => `${hook.event}/${hook.eventType}`).join(", ") || "nothing"}`,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
