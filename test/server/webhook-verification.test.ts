import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { repoAllowlist } from "../../src/config/repo-allowlist.js";
import { verifyGiteaSignature } from "../../src/hosts/gitea/verify-gitea-signature.js";
import { verifyGitlabToken } from "../../src/hosts/gitlab/verify-gitlab-token.js";
import { verifySha256Header } from "../../src/hosts/shared/verify-sha256-header.js";

describe("verifyGiteaSignature", () => {
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  const hex = createHmac("sha256", "s3cret").update(body).digest("hex");

  it("accepts the bare hex HMAC of the raw bytes, in either case", () => {
    expect(verifyGiteaSignature("s3cret", body, hex)).toBe(true);
    expect(verifyGiteaSignature("s3cret", body, hex.toUpperCase())).toBe(true);
  });

  it("refuses another secret, other bytes, GitHub's prefixed form and malformed hex", () => {
    expect(verifyGiteaSignature("other", body, hex)).toBe(false);
    expect(verifyGiteaSignature("s3cret", Buffer.from(`${body} `), hex)).toBe(false);
    expect(verifyGiteaSignature("s3cret", body, `sha256=${hex}`)).toBe(false);
    expect(verifyGiteaSignature("s3cret", body, hex.slice(0, 62))).toBe(false);
    expect(verifyGiteaSignature("s3cret", body, `${hex.slice(0, 62)}zz`)).toBe(false);
  });
});

describe("verifyGitlabToken", () => {
  it("accepts only the configured secret, whatever the lengths", () => {
    expect(verifyGitlabToken("s3cret", "s3cret")).toBe(true);
    expect(verifyGitlabToken("s3cret", "s3cre")).toBe(false);
    expect(verifyGitlabToken("s3cret", "s3cret ")).toBe(false);
    expect(verifyGitlabToken("s3cret", "x".repeat(10_000))).toBe(false);
  });
});

describe("verifySha256Header", () => {
  it("accepts sha256=<hex> of the raw bytes only", () => {
    const body = Buffer.from('{"push":{}}');
    const hex = createHmac("sha256", "s3cret").update(body).digest("hex");
    expect(verifySha256Header("s3cret", body, `sha256=${hex}`)).toBe(true);
    expect(verifySha256Header("s3cret", body, ` SHA256=${hex.toUpperCase()} `)).toBe(true);
    expect(verifySha256Header("other", body, `sha256=${hex}`)).toBe(false);
    expect(verifySha256Header("s3cret", body, hex)).toBe(false);
    expect(verifySha256Header("s3cret", body, `sha1=${hex}`)).toBe(false);
    expect(verifySha256Header("s3cret", body, `sha256=${hex.slice(0, 62)}zz`)).toBe(false);
  });
});

describe("repoAllowlist", () => {
  it("allows nothing when empty, and everything only when '*' or '**' is written", () => {
    expect(repoAllowlist([])("anyone/anything")).toBe(false);
    expect(repoAllowlist(["*"])("anyone/anything")).toBe(true);
    expect(repoAllowlist(["**"])("group/sub/project")).toBe(true);
  });

  it("matches * within one segment and ** across segments, ignoring case", () => {
    const allowed = repoAllowlist(["acme/*", "platform/**", "solo/exact.repo"]);
    expect(allowed("acme/deployments")).toBe(true);
    expect(allowed("ACME/Deployments")).toBe(true);
    expect(allowed("acme/sub/deployments")).toBe(false);
    expect(allowed("platform/team/infra/cluster")).toBe(true);
    expect(allowed("solo/exact.repo")).toBe(true);
    expect(allowed("solo/exactXrepo")).toBe(false);
    expect(allowed("acme-evil/deployments")).toBe(false);
  });
});
