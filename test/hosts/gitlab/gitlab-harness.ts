import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { GitHost } from "../../../src/hosts/git-host.js";
import { createGitLabHost } from "../../../src/hosts/gitlab/gitlab-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import {
  type Expectation,
  type StrictHttpFake,
  startStrictHttpFake,
} from "../../support/strict-http-fake.js";
import { gitLabUser, projectId, projectPath } from "./gitlab-fixtures.js";

export const token = "glpat-Zx9vQ2mN4kT8rW1yB6cD";
export const bot = { id: 99, username: "zakenak-bot" };
export const byPath: RepoRef = { host: "gitlab", fullName: projectPath };
export const byId: RepoRef = { host: "gitlab", fullName: projectPath, id: String(projectId) };
/** API paths of the project addressed by its escaped full path, and by its id. */
export const encoded = `/api/v4/projects/${encodeURIComponent(projectPath)}`;
export const numbered = `/api/v4/projects/${projectId}`;
export const marker = "<!-- zakenak:plan:dev -->";

export function botUserExpectation(): Expectation {
  return {
    method: "GET",
    path: "/api/v4/user",
    json: { ...gitLabUser(bot.id, bot.username), is_admin: false },
  };
}

export interface GitLabHarness {
  fake: StrictHttpFake;
  host: GitHost;
  dest: string;
}

/** One strict fake per file, a fresh host per test, and fake.verify() after each test. */
export function useGitLabHarness(): GitLabHarness {
  const harness = {} as GitLabHarness;
  beforeAll(async () => {
    harness.fake = await startStrictHttpFake();
  });
  afterAll(async () => {
    await harness.fake.close();
  });
  beforeEach(async () => {
    // A trailing /api/v4 in the configuration is accepted; gitbeaker adds it itself.
    harness.host = createGitLabHost({ url: `${harness.fake.url}/api/v4/`, token });
    harness.dest = await mkdtemp(join(tmpdir(), "zakenak-gitlab-"));
  });
  afterEach(async () => {
    await rm(harness.dest, { recursive: true, force: true });
    harness.fake.verify();
  });
  return harness;
}
