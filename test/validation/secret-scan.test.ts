import { describe, expect, it } from "vitest";
import { scanChanges } from "../../src/validation/secret-scan/scan-changes.js";
import {
  DEFAULT_SECRET_SCAN_POLICY,
  type SecretScanPolicy,
} from "../../src/validation/secret-scan/secret-scan-policy.js";
import { expectNoSecret, leakyValues, plantSecrets } from "./planted-secrets.js";

const planted = plantSecrets();
const values = leakyValues(planted);
const PATH = "helm-charts/x/values.yaml";

const scan = (text: string, base?: string, policy: SecretScanPolicy = DEFAULT_SECRET_SCAN_POLICY) =>
  scanChanges([{ path: PATH, text, ...(base !== undefined ? { base } : {}) }], {
    policy,
    severity: "error",
  });

describe("secret-in-change", () => {
  it("finds a private key, a GitHub token and a password in a new file, by file and line", async () => {
    const findings = await scan(values.text);
    expect(findings.map((f) => [f.rule, f.severity, f.file, f.line])).toEqual([
      ["secret-in-change", "error", PATH, values.keyLine],
      ["secret-in-change", "error", PATH, values.tokenLine],
      ["secret-in-change", "error", PATH, values.passwordLine],
    ]);
    expect(findings[0]?.message).toMatch(/^a private key: /);
    expect(findings[1]?.message).toMatch(/^a GitHub Token: /);
    expect(findings[2]?.message).toMatch(/^a high-entropy value assigned to password: /);
    expectNoSecret(JSON.stringify(findings), planted, "the findings");
  });

  it("reports only what the change adds: a secret the base already had is not blamed on it", async () => {
    const lines = values.text.split("\n");
    const base = lines.filter((_, i) => i + 1 !== values.passwordLine).join("\n");
    const findings = await scan(values.text, base);
    expect(findings.map((f) => f.line)).toEqual([values.passwordLine]);
  });

  it("reports a key when any line of it changed", async () => {
    const lines = values.text.split("\n");
    const base = lines.map((l, i) => (i + 1 === values.keyLine + 3 ? `${l}A` : l)).join("\n");
    const findings = await scan(values.text, base);
    expect(findings.map((f) => f.line)).toEqual([values.keyLine]);
  });

  it("lets a zakenak:allow-secret marker on the line, or the line above, allowlist what is there", async () => {
    const lines = values.text.split("\n");
    lines[values.tokenLine - 1] += " # zakenak:allow-secret";
    lines[values.passwordLine - 2] += " # zakenak:allow-secret";
    const marked = lines.join("\n");
    expect((await scan(marked)).map((f) => f.line)).toEqual([values.keyLine]);
    const noMarkers = { ...DEFAULT_SECRET_SCAN_POLICY, inlineMarker: false };
    expect((await scan(marked, undefined, noMarkers)).map((f) => f.line)).toEqual([
      values.keyLine,
      values.tokenLine,
      values.passwordLine,
    ]);
  });

  it("ignores a secretlint-disable comment: only Zakenak's marker allowlists", async () => {
    const text = `token: ${planted.token} # secretlint-disable-line\n`;
    expect((await scan(text)).map((f) => f.line)).toEqual([1]);
  });

  it("gives the severity it is asked for", async () => {
    const findings = await scanChanges([{ path: PATH, text: values.text }], {
      policy: DEFAULT_SECRET_SCAN_POLICY,
      severity: "warning",
    });
    expect(findings.map((f) => f.severity)).toEqual(["warning", "warning", "warning"]);
  });
});
