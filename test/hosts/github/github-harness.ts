import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { GitHost } from "../../../src/hosts/git-host.js";
import { createGitHubHost } from "../../../src/hosts/github/github-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import { type StrictHttpFake, startStrictHttpFake } from "../../support/strict-http-fake.js";
import { owner, repoName } from "./github-fixtures.js";

export const token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a";
export const bot = "zakenak[bot]";
export const repo: RepoRef = { host: "github", fullName: `${owner}/${repoName}` };
export const repoPath = `/repos/${owner}/${repoName}`;
export const marker = "<!-- zakenak:plan:dev -->";
// Octokit logs every failed request; the tests provoke many on purpose.
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export function gitHubOctokit(baseUrl: string): Octokit {
  return new Octokit({ auth: token, baseUrl, log: quiet });
}

export interface GitHubHarness {
  fake: StrictHttpFake;
  /** The adapter over an Octokit pointed at the fake, with the bot's login given. */
  host: GitHost;
  /** An empty directory for archives, new for each test. */
  dest: string;
}

/** One strict fake per file, a fresh host per test, and fake.verify() after each test. */
export function useGitHubHarness(): GitHubHarness {
  const harness = {} as GitHubHarness;
  beforeAll(async () => {
    harness.fake = await startStrictHttpFake();
  });
  afterAll(async () => {
    await harness.fake.close();
  });
  beforeEach(async () => {
    harness.host = createGitHubHost({ octokit: gitHubOctokit(harness.fake.url), botLogin: bot });
    harness.dest = await mkdtemp(join(tmpdir(), "zakenak-github-"));
  });
  afterEach(async () => {
    await rm(harness.dest, { recursive: true, force: true });
    harness.fake.verify();
  });
  return harness;
}
