import { describe, expect, it } from "vitest";
import { rejection } from "../shared/rejection.js";
import {
  branch,
  commitStatus,
  headSha,
  mainTip,
  mergeBase,
  mergeRequest,
  mergeSha,
  note,
  pageHeaders,
} from "./gitlab-fixtures.js";
import {
  bot,
  botUserExpectation,
  byId,
  byPath,
  encoded,
  marker,
  numbered,
  token,
  useGitLabHarness,
} from "./gitlab-harness.js";

const h = useGitLabHarness();

describe("GitLab host: merge requests", () => {
  it("reads a merge request by escaped path, with the target branch's tip", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${encoded}/merge_requests/12`,
        requestHeaders: { "private-token": token },
        json: mergeRequest(),
      },
      { method: "GET", path: `${encoded}/repository/branches/main`, json: branch("main", mainTip) },
    );
    expect(await h.host.getPullRequest(byPath, 12)).toEqual({
      number: 12,
      headSha,
      headBranch: "bump-app",
      baseBranch: "main",
      baseSha: mainTip,
      state: "open",
      fromFork: false,
    });
  });

  it("tells a merge request from a fork by its source project", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${numbered}/merge_requests/13`,
        json: mergeRequest({ iid: 13, sourceProjectId: 314159 }),
      },
      { method: "GET", path: `${numbered}/repository/branches/main`, json: branch("main", mainTip) },
    );
    expect(await h.host.getPullRequest(byId, 13)).toMatchObject({ number: 13, fromFork: true });
  });

  it.each([
    ["merged", "merged"],
    ["closed", "closed"],
    ["locked", "open"],
  ])("maps state %s to %s, by project id, merge base when the branch is gone", async (state, expected) => {
    h.fake.expect(
      { method: "GET", path: `${numbered}/merge_requests/12`, json: mergeRequest({ state }) },
      {
        method: "GET",
        path: `${numbered}/repository/branches/main`,
        status: 404,
        json: { message: "404 Branch Not Found" },
      },
    );
    expect(await h.host.getPullRequest(byId, 12)).toMatchObject({ state: expected, baseSha: mergeBase });
  });

  it("finds the merge request a merge or squash commit came from", async () => {
    h.fake.expect(
      {
        method: "GET",
        path: `${numbered}/repository/commits/${mergeSha}/merge_requests`,
        json: [
          mergeRequest({ iid: 3 }),
          mergeRequest({ iid: 4, state: "merged", squashCommitSha: mergeSha }),
        ],
      },
      {
        method: "GET",
        path: `${numbered}/repository/commits/${headSha}/merge_requests`,
        json: [mergeRequest({ iid: 5 })],
      },
    );
    expect(await h.host.pullRequestForCommit(byId, mergeSha)).toBe(4);
    expect(await h.host.pullRequestForCommit(byId, headSha)).toBeUndefined();
  });
});

describe("GitLab host: notes", () => {
  it("edits the bot's marked note found on page 2, skipping system notes and other authors", async () => {
    const notesPath = `${numbered}/merge_requests/12/notes`;
    h.fake.expect(
      botUserExpectation(),
      {
        method: "GET",
        path: notesPath,
        query: { page: "1", per_page: "100", sort: "asc", order_by: "created_at" },
        headers: pageHeaders(h.fake.url, notesPath, 1, 2),
        json: [
          note(1, `${marker} mentioned`, bot, true),
          note(2, `quote ${marker}`, { id: 7, username: "alice" }),
        ],
      },
      {
        method: "GET",
        path: notesPath,
        query: { page: "2", per_page: "100" },
        headers: pageHeaders(h.fake.url, notesPath, 2, 2),
        json: [note(3, `${marker}\nold plan`, bot)],
      },
      {
        method: "PUT",
        path: `${notesPath}/3`,
        body: { body: `${marker}\nnew plan` },
        json: note(3, `${marker}\nnew plan`, bot),
      },
    );
    expect(await h.host.upsertComment(byId, 12, marker, `${marker}\nnew plan`)).toEqual({
      id: "3",
      created: false,
    });
  });

  it("creates the note when none is marked", async () => {
    const notesPath = `${numbered}/merge_requests/12/notes`;
    h.fake.expect(
      botUserExpectation(),
      { method: "GET", path: notesPath, headers: pageHeaders(h.fake.url, notesPath, 1, 1), json: [] },
      {
        method: "POST",
        path: notesPath,
        body: { body: `${marker}\nplan` },
        status: 201,
        json: note(31, `${marker}\nplan`, bot),
      },
    );
    expect(await h.host.upsertComment(byId, 12, marker, `${marker}\nplan`)).toEqual({
      id: "31",
      created: true,
    });
  });

  it("posts a reply as a new note", async () => {
    h.fake.expect({
      method: "POST",
      path: `${encoded}/merge_requests/12/notes`,
      body: { body: "done" },
      status: 201,
      json: note(32, "done", bot),
    });
    await h.host.createComment(byPath, 12, "done");
  });
});

describe("GitLab host: statuses", () => {
  it("maps states, trims the description to 255 and drops an over-long URL", async () => {
    const long = "d".repeat(300);
    h.fake.expect(
      {
        method: "POST",
        path: `${numbered}/statuses/${headSha}`,
        body: { state: "running", name: "zakenak/plan: dev", target_url: "https://zakenak.example/runs/1" },
        status: 201,
        json: commitStatus("running", "zakenak/plan: dev", ""),
      },
      {
        method: "POST",
        path: `${numbered}/statuses/${headSha}`,
        body: { state: "failed" },
        status: 201,
        json: commitStatus("failed", "zakenak/plan: dev", ""),
      },
    );
    await h.host.setStatus(byId, headSha, {
      context: "zakenak/plan: dev",
      state: "pending",
      description: long,
      targetUrl: "https://zakenak.example/runs/1",
    });
    const sent = JSON.parse(h.fake.requests.at(-1)?.body ?? "{}") as { description: string };
    expect(sent.description).toHaveLength(255);
    await h.host.setStatus(byId, headSha, {
      context: "zakenak/plan: dev",
      state: "error",
      description: "x",
      targetUrl: `https://zakenak.example/${"u".repeat(300)}`,
    });
    expect(JSON.parse(h.fake.requests.at(-1)?.body ?? "{}")).not.toHaveProperty("target_url");
  });

  it("counts a redundant transition (400 Cannot transition status) as success", async () => {
    h.fake.expect({
      method: "POST",
      path: `${numbered}/statuses/${headSha}`,
      status: 400,
      json: { message: "Cannot transition status via :run from :running" },
    });
    await h.host.setStatus(byId, headSha, {
      context: "zakenak/plan: dev",
      state: "pending",
      description: "planning",
    });
  });

  it("still fails on other 400s", async () => {
    h.fake.expect({
      method: "POST",
      path: `${numbered}/statuses/${headSha}`,
      status: 400,
      json: { message: "state is invalid" },
    });
    const error = await rejection(
      h.host.setStatus(byId, headSha, { context: "c", state: "success", description: "" }),
    );
    expect(error).toMatchObject({ code: "host-error", retryable: false });
  });
});
