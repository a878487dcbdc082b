import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createBitbucketServerHost } from "../../../src/hosts/bitbucket-server/bitbucket-server-host.js";
import type { GitHost } from "../../../src/hosts/git-host.js";
import type { RepoRef } from "../../../src/hosts/host-event.js";
import {
  type Expectation,
  type StrictHttpFake,
  startStrictHttpFake,
} from "../../support/strict-http-fake.js";
import { fullName, repoApi } from "./bitbucket-server-fixtures.js";

export const token = "BBDC-NjQ2MzI5NjY4Mzk4OkXq7c1Zr0uS9mW2";
export const bot = "zakenak-bot";
export const repo: RepoRef = { host: "bitbucket-server", fullName };
/** Bitbucket runs under a context path here, as many installations do. */
export const CONTEXT = "/bitbucket";
export const api = `${CONTEXT}/rest/api/latest`;
export const repoPath = `${CONTEXT}${repoApi}`;
export const marker = "<!-- zakenak:plan -->";

/** The bot's name, which Bitbucket gives in a header of any answer. */
export function botUserExpectation(name = bot): Expectation {
  return {
    method: "GET",
    path: `${api}/application-properties`,
    requestHeaders: { authorization: `Bearer ${token}` },
    json: { version: "9.4.2", buildNumber: "9004002", displayName: "Bitbucket" },
    headers: { "x-ausername": name, "x-auserid": "900" },
  };
}

export interface BitbucketServerHarness {
  fake: StrictHttpFake;
  host: GitHost;
  dest: string;
}

/** One strict fake per file, a fresh host per test, and fake.verify() after each test. */
export function useBitbucketServerHarness(): BitbucketServerHarness {
  const harness = {} as BitbucketServerHarness;
  beforeAll(async () => {
    harness.fake = await startStrictHttpFake();
  });
  afterAll(async () => {
    await harness.fake.close();
  });
  beforeEach(async () => {
    harness.host = createBitbucketServerHost({ url: `${harness.fake.url}${CONTEXT}`, token });
    harness.dest = await mkdtemp(join(tmpdir(), "zakenak-bbs-"));
  });
  afterEach(async () => {
    await rm(harness.dest, { recursive: true, force: true });
    harness.fake.verify();
  });
  return harness;
}
