import { describe, expect, it } from "vitest";
import type { TagListing } from "../../../src/hosts/git-host.js";
import { headSha, mainTip, pageHeaders, tag } from "./gitlab-fixtures.js";
import { byId, byPath, encoded, numbered, useGitLabHarness } from "./gitlab-harness.js";

const h = useGitLabHarness();
const tagObject = "940bd336248efae0f9ee5bc7b2d5c985887b16ac";

// What polling asks of a host that sends no webhooks.
describe("GitLab host: polling", () => {
  it("reads the default branch from the project", async () => {
    h.fake.expect({ method: "GET", path: encoded, json: { id: 42, default_branch: "trunk" } });
    const host = h.host as typeof h.host & { defaultBranch(repo: typeof byPath): Promise<string> };
    expect(await host.defaultBranch(byPath)).toBe("trunk");
  });

  it("lists every tag over all pages, annotated tags peeled to their commit", async () => {
    const tagsPath = `${numbered}/repository/tags`;
    h.fake.expect(
      {
        method: "GET",
        path: tagsPath,
        query: { page: "1", per_page: "100" },
        headers: pageHeaders(h.fake.url, tagsPath, 1, 2),
        json: [tag("v1.0.0", tagObject, headSha)],
      },
      {
        method: "GET",
        path: tagsPath,
        query: { page: "2", per_page: "100" },
        headers: pageHeaders(h.fake.url, tagsPath, 2, 2),
        json: [tag("light", mainTip, mainTip)],
      },
    );
    expect(await (h.host as typeof h.host & TagListing).listTags(byId)).toEqual([
      { name: "v1.0.0", sha: headSha },
      { name: "light", sha: mainTip },
    ]);
  });
});
