import { describe, expect, it } from "vitest";
import { parseImageReference } from "../../src/registry/image-reference.js";

describe("parseImageReference", () => {
  it("puts a bare name on Docker Hub under library/ with the latest tag", () => {
    expect(parseImageReference("nginx")).toMatchObject({
      registry: "docker.io",
      endpoint: "registry-1.docker.io",
      repository: "library/nginx",
      reference: "latest",
      canonical: "docker.io/library/nginx:latest",
    });
    expect(parseImageReference("nginx").tag).toBeUndefined();
  });

  it("keeps a Docker Hub organisation and reads its tag", () => {
    expect(parseImageReference("bitnami/redis:7.2")).toMatchObject({
      registry: "docker.io",
      repository: "bitnami/redis",
      tag: "7.2",
      reference: "7.2",
    });
  });

  it("treats docker.io and index.docker.io as Docker Hub", () => {
    expect(parseImageReference("docker.io/nginx:1.27").canonical).toBe("docker.io/library/nginx:1.27");
    expect(parseImageReference("index.docker.io/library/nginx:1.27").canonical).toBe(
      "docker.io/library/nginx:1.27",
    );
  });

  it("recognizes a registry by a dot, a port or localhost", () => {
    expect(parseImageReference("ghcr.io/acme/web:1.4.2")).toMatchObject({
      registry: "ghcr.io",
      endpoint: "ghcr.io",
      repository: "acme/web",
    });
    expect(parseImageReference("127.0.0.1:5000/team/app:2.0")).toMatchObject({
      registry: "127.0.0.1:5000",
      repository: "team/app",
      tag: "2.0",
    });
    expect(parseImageReference("localhost/app")).toMatchObject({ registry: "localhost", repository: "app" });
    expect(parseImageReference("registry:5000/app")).toMatchObject({ registry: "registry:5000" });
  });

  it("looks a digest up by digest, whatever the tag says", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const ref = parseImageReference(`ghcr.io/acme/web:1.4.2@${digest}`);
    expect(ref).toMatchObject({ tag: "1.4.2", digest, reference: digest });
    expect(ref.canonical).toBe(`ghcr.io/acme/web@${digest}`);
    expect(parseImageReference(`ghcr.io/acme/web@${digest}`).canonical).toBe(ref.canonical);
  });

  it("refuses malformed references, naming the reference and the fault", () => {
    expect(() => parseImageReference("Nginx")).toThrow('image "Nginx" is not a valid reference');
    expect(() => parseImageReference("ghcr.io/acme/web:")).toThrow('"" is not a valid tag');
    expect(() => parseImageReference("ghcr.io/acme/web@sha256:xyz")).toThrow("is not a digest");
    expect(() => parseImageReference(" nginx")).toThrow("white space");
    expect(() => parseImageReference("ghcr.io//web")).toThrow("is not a repository path");
    expect(() => parseImageReference("")).toThrow("empty");
  });
});
