import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { waitFor } from "../support/cluster-kit.js";

export interface ReceivedNotification {
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as sent: the signature is over these bytes. */
  rawBody: string;
  body: unknown;
}

/** How the receiver answers request number `n` (0-based): a status, or `hang` (never answers). */
export type Answer = { status: number; text?: string } | "hang";

export interface NotificationReceiver {
  /** `http://127.0.0.1:<port>` plus the path given, e.g. a Slack-like `/services/T0/B0/token`. */
  url: string;
  received: ReceivedNotification[];
  /** Waits until `count` requests came in and returns them. */
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback that records every request and answers as `answer` says, by request
 * number: 200 by default, or errors, or no answer at all for a receiver that hangs.
 */
export async function startNotificationReceiver(
  path = "/",
  answer: (n: number) => Answer = () => ({ status: 200, text: "ok" }),
): Promise<NotificationReceiver> {
  const received: ReceivedNotification[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {}
      const reply = answer(received.length);
      received.push({ path: req.url ?? "", headers: req.headers, rawBody, body });
      if (reply === "hang") {
        hanging.push(res);
        return;
      }
      res.writeHead(reply.status, { "Content-Type": "text/plain" }).end(reply.text ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    waitForCount: (count, timeoutMs = 20_000) =>
      waitFor(
        `${count} notification requests`,
        () => (received.length >= count ? received.slice(0, count) : undefined),
        { timeoutMs },
      ),
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
