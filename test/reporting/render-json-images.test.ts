import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/reporting/render-json.js";
import { change, environment, plan, release } from "./plan-fixtures.js";

describe("renderJson: the images of a plan", () => {
  it("lists each image with its registry, repository, digest and status when the image check ran", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    const checked = {
      ...environment("prod", [release("web", [change()])]),
      images: [
        {
          image: "ghcr.io/acme/web:1.4.2",
          registry: "ghcr.io",
          repository: "acme/web",
          digest,
          status: "found" as const,
        },
        { image: "Bad/Ref", registry: null, repository: null, digest: null, status: "invalid" as const },
      ],
    };
    const json = JSON.parse(renderJson(plan([checked, environment("dev", [])])));
    expect(json.environments[0].images).toEqual([
      {
        image: "ghcr.io/acme/web:1.4.2",
        registry: "ghcr.io",
        repository: "acme/web",
        digest,
        status: "found",
      },
      { image: "Bad/Ref", registry: null, repository: null, digest: null, status: "invalid" },
    ]);
    expect(Object.keys(json.environments[0].images[0])).toEqual([
      "image",
      "registry",
      "repository",
      "digest",
      "status",
    ]);
    // Not checked (--no-image-check, ZAKENAK_IMAGE_CHECK=off): null, never an empty list that would mean "no images".
    expect(json.environments[1].images).toBeNull();
  });
});
