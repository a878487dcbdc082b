import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { b64, secretYaml, tempDir } from "../support/repo-fixtures.js";
import { type CliResult, runCli } from "../support/run-cli.js";
import { chartFiles, type TempRepo, tempRepo } from "../support/temp-repo.js";

const BEFORE = "before-Pa55word-7a1c";
const AFTER = "after-Pa55word-93fe";

const CONFIG = `environments:
  - name: dev
releases:
  - name: creds
    namespace: apps
    manifests: secrets
policy:
  rules:
    plain-secret: "off"
    # The fixture commits passwords on purpose: this file is about masking them in reports.
    secret-in-change: "off"
`;

/** Every way a value of the fixture could leak: plain, base64, and the stringData variant. */
const FORBIDDEN = [
  BEFORE,
  AFTER,
  b64(BEFORE),
  b64(AFTER),
  `${BEFORE}-token`,
  `${AFTER}-token`,
  b64("admin-user"),
];

function expectNoLeak(r: CliResult): void {
  for (const value of FORBIDDEN) {
    expect(r.stdout).not.toContain(value);
    expect(r.stderr).not.toContain(value);
  }
}

let cache: ReturnType<typeof tempDir>;
let repo: TempRepo;

beforeAll(() => {
  cache = tempDir("zakenak-cli-cache-");
});
afterAll(() => cache.cleanup());
beforeEach(() => {
  repo = tempRepo({ ".zakenak.yaml": CONFIG, "secrets/db.yaml": secretYaml(BEFORE) });
  repo.commit("base");
  repo.write({ "secrets/db.yaml": secretYaml(AFTER) });
  return () => repo.cleanup();
});

const cli = (...argv: string[]) => runCli(argv, { cwd: repo.dir, cacheDir: cache.dir });

describe("Secret values in reports", () => {
  it("text: shows which keys changed, never a value", async () => {
    const r = await cli("plan");
    expect(r.code).toBe(2);
    expectNoLeak(r);
    expect(r.stdout).toContain('-  password: "*** (before)"');
    expect(r.stdout).toContain('+  password: "*** (after)"');
    expect(r.stdout).toContain('+  token: "*** (after)"');
  });

  it("markdown: never a value", async () => {
    const r = await cli("plan", "--format", "markdown");
    expect(r.code).toBe(2);
    expectNoLeak(r);
    expect(r.stdout).toContain("*** (after)");
  });

  it("markdown with a tight --limit: never a value", async () => {
    const r = await cli("plan", "--format", "markdown", "--limit", "600");
    expectNoLeak(r);
    expect(r.stdout.length).toBeLessThanOrEqual(601);
  });

  it("json: never a value", async () => {
    const r = await cli("plan", "--format", "json");
    expect(r.code).toBe(2);
    expectNoLeak(r);
    const diff = JSON.parse(r.stdout).environments[0].releases[0].changes[0].diff;
    expect(diff).toContain('+  password: "*** (after)"');
    expect(diff).toContain('   user: "***"');
  });

  it("a created and a deleted Secret: masked in every format", async () => {
    repo.write({ "secrets/other.yaml": secretYaml(AFTER, "other") });
    const base = repo.commit("add other");
    repo.remove("secrets/db.yaml");
    for (const format of ["text", "markdown", "json"]) {
      const r = await cli("plan", "--base", "HEAD~1", "--format", format);
      expect(r.code).toBe(2);
      expectNoLeak(r);
      expect(r.stdout).toMatch(/password: \\?"\*\*\*\\?"/);
    }
    const json = JSON.parse((await cli("plan", "--base", `${base}~1`, "--format", "json")).stdout);
    const changes = json.environments[0].releases[0].changes;
    expect(changes.map((c: { action: string; name: string }) => `${c.action} ${c.name}`).sort()).toEqual([
      "create other",
      "delete db",
    ]);
  });

  it("the plain-secret finding names keys only", async () => {
    repo.write({ ".zakenak.yaml": CONFIG.replace(/policy:[\s\S]*$/, "") });
    for (const format of ["text", "json"]) {
      const r = await cli("plan", "--format", format);
      expect(r.code).toBe(1);
      expectNoLeak(r);
      expect(r.stdout).toContain("plain-secret");
      expect(r.stdout).toContain("password");
    }
    const v = await cli("validate", "--format", "json");
    expect(v.code).toBe(1);
    expectNoLeak(v);
  });

  it("a render error quoting a Secret's value is redacted on stdout and stderr", async () => {
    repo.write({
      ".zakenak.yaml": `${CONFIG.replace(/policy:[\s\S]*$/, "")}  - name: app\n    namespace: apps\n    chart: charts/app\n    values: [app-values.yaml]\npolicy:\n  rules:\n    plain-secret: "off"\n`,
      ...chartFiles("charts/app"),
      "app-values.yaml": `token: ${AFTER}\n`,
      "charts/app/templates/fail.yaml": '{{ fail (printf "refusing token %s" .Values.token) }}\n',
    });
    for (const format of ["text", "markdown", "json"]) {
      const r = await cli("plan", "--format", format);
      expect(r.code).toBe(1);
      expectNoLeak(r);
      expect(r.stderr).toContain("refusing token ***");
    }
  });
});

describe("Secret values copied into other objects", () => {
  const SHORT = "Zq~";
  const LONG = "copied-L0ng-Value";
  const copies = (short: string, long: string) => `apiVersion: v1
kind: Secret
metadata:
  name: copied
  namespace: apps
stringData:
  pin: "${short}"
  password: ${long}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: apps
data:
  pin: "${short}"
  password: ${long}
  encoded: ${b64(long)}
  dsn: postgres://app:${long}@db:5432/app
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
          resources: { limits: { cpu: 100m, memory: 64Mi } }
          env:
            - { name: PIN, value: "${short}" }
            - { name: PASSWORD, value: ${long} }
`;

  function expectNone(r: CliResult, values: string[]): void {
    for (const v of values.flatMap((v) => [v, b64(v)])) {
      expect(r.stdout).not.toContain(v);
      expect(r.stderr).not.toContain(v);
    }
  }

  it("are masked in the ConfigMap and the container env, whatever their length, in every format", async () => {
    repo.write({ "secrets/copies.yaml": copies(SHORT, LONG) });
    for (const format of ["text", "markdown", "json"]) {
      const r = await cli("plan", "--format", format);
      expect(r.code, r.stderr).toBe(2);
      expectNone(r, [SHORT, LONG]);
    }
    const text = (await cli("plan")).stdout;
    expect(text).toContain('+  pin: "***"');
    expect(text).toContain('+  encoded: "***"');
    expect(text).toContain("+  dsn: postgres://app:***@db:5432/app");
    expect(text).toContain('+              value: "***"');
  });

  it("in an update, both the old and the new values are masked and the change still shows", async () => {
    repo.write({ "secrets/copies.yaml": copies(SHORT, LONG) });
    repo.commit("copies");
    repo.write({ "secrets/copies.yaml": copies("Yx^", "changed-L0ng-Value") });
    for (const format of ["text", "markdown", "json"]) {
      const r = await cli("plan", "--base", "HEAD", "--format", format);
      expect(r.code, r.stderr).toBe(2);
      expectNone(r, [SHORT, LONG, "Yx^", "changed-L0ng-Value"]);
    }
    const text = (await cli("plan", "--base", "HEAD")).stdout;
    expect(text).toContain('-  pin: "*** (before)"');
    expect(text).toContain('+  pin: "*** (after)"');
  });
});
