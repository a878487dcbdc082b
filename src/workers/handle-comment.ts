import type { Job } from "bullmq";
import { reportCommandFailure } from "../commands/report-command-failure.js";
import { type CommandOutcome, runCommand } from "../commands/run-command.js";
import type { HostEvent } from "../hosts/host-event.js";
import { runHandler } from "./run-handler.js";
import { contextFor, type WorkerServices } from "./worker-services.js";

type CommentEvent = Extract<HostEvent, { type: "comment" }>;

/** A comment on a pull request: a command, or nothing to do. */
export async function handleComment(
  services: WorkerServices,
  job: Job,
  event: CommentEvent,
): Promise<CommandOutcome> {
  const ctx = await contextFor(services, job, event.repo);
  const req = {
    number: event.number,
    commentId: event.commentId,
    body: event.body,
    author: event.author,
    authorIsBot: event.authorIsBot,
  };
  return runHandler(
    job,
    ctx.log,
    () => runCommand(ctx, req),
    (err) => reportCommandFailure(ctx, req, err),
  );
}
