import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { createNodeMiddleware, Probot } from "probot";
import { rawBody } from "../../server/raw-body.js";
import { type IntakeDeps, settleDelivery } from "../../server/settle-delivery.js";
import { rejected, sendReply, type WebhookReply } from "../../server/webhook-reply.js";
import type { GithubEnv } from "./github-env.js";
import { parseGithubEvent } from "./parse-github-event.js";

/** Probot's answer, caught instead of sent: intake answers with its own status codes. */
interface Captured {
  status?: number;
  body?: string;
}

// Headers Probot requires, as GitHub spells them in its documentation.
const HEADER_NAMES: Record<string, string> = {
  "x-github-event": "X-GitHub-Event",
  "x-hub-signature-256": "X-Hub-Signature-256",
  "x-github-delivery": "X-GitHub-Delivery",
};

/**
 * `POST /api/github/webhooks` through Probot's Node middleware, which verifies `X-Hub-Signature-256`
 * over the raw body; the app function only normalizes and enqueues. The reply for each request travels
 * from the app function back to this handler through async-local storage. `webhooksPath` is the route
 * it is mounted on: Probot answers only requests to that path.
 */
export async function githubWebhook(
  deps: IntakeDeps,
  github: GithubEnv,
  webhooksPath: string,
): Promise<RequestHandler> {
  const replies = new AsyncLocalStorage<{ reply?: WebhookReply }>();
  const probot = new Probot({
    appId: github.appId,
    privateKey: github.privateKey,
    secret: github.webhookSecret,
    baseUrl: github.baseUrl,
    // Probot logs every rejected signature as an error; intake logs its own line for each request.
    log: deps.logger.child({ component: "probot" }, { level: "fatal" }),
  });
  const middleware = await createNodeMiddleware(
    (app) => {
      app.onAny(async (context) => {
        const slot = replies.getStore();
        if (!slot) return;
        slot.reply = await settleDelivery(deps, "github", context.id, context.name, () =>
          parseGithubEvent(context.name, context.payload),
        );
      });
    },
    { probot, webhooksPath },
  );

  return async (req, res) => {
    // Probot reads `rawBody` when a body parser already consumed the stream.
    Object.assign(req, { rawBody: rawBody(req) });
    const captured: Captured = {};
    const capture = {
      writeHead(status: number) {
        captured.status = status;
        return capture;
      },
      end(body?: string) {
        captured.body = body;
        return capture;
      },
    };
    const slot: { reply?: WebhookReply } = {};
    await replies.run(slot, () => middleware(req, capture as unknown as ServerResponse));
    sendReply(res, deps, "github", slot.reply ?? fromProbot(captured));
  };
}

/** Maps Probot's own answers (no app-function reply) to intake's status codes and messages. */
function fromProbot(captured: Captured): WebhookReply {
  const status = captured.status ?? 500;
  let error = captured.body ?? "";
  try {
    error = String((JSON.parse(error) as { error?: unknown }).error ?? error);
  } catch {
    // Plain-text body: keep it as it is.
  }
  if (status === 202) {
    // Probot answers 202 when the app function is still running after 9 s; the job is being added.
    return {
      status,
      result: "accepted",
      event: "unknown",
      body: { result: "accepted", message: error.trim() },
    };
  }
  const missing = /^Required headers missing: (.+)$/.exec(error);
  if (status === 400 && missing?.[1]) {
    const names = missing[1].split(", ").map((h) => HEADER_NAMES[h] ?? h);
    return rejected(400, "bad-request", `missing ${names.join(", ")} header${names.length > 1 ? "s" : ""}`);
  }
  if (status === 400 && error.includes("signature does not match")) {
    return rejected(401, "unauthorized", "bad X-Hub-Signature-256 signature");
  }
  if (status === 400 && error.includes("Invalid JSON")) {
    return rejected(400, "bad-request", "bad payload: not valid JSON");
  }
  if (status === 415)
    return rejected(415, "bad-request", "unsupported Content-Type: must be application/json");
  return rejected(status, status >= 500 ? "error" : "bad-request", error || `webhook failed (${status})`);
}
