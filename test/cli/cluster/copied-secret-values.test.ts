import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedKubeconfig, uniqueName } from "../../support/cluster-kit.js";
import { b64, tempDir } from "../../support/repo-fixtures.js";
import { type CliResult, runCli } from "../../support/run-cli.js";
import { type TempRepo, tempRepo } from "../../support/temp-repo.js";

// Values of a Secret that the repository also copies into a ConfigMap and a container's environment.
// The short one is below the free-text redactor's minimum length; the long one ends in "!", which makes
// it an invalid label value, so the API server quotes it back in an error when it is used as one.
const SHORT = "Zq~";
const LONG = "copied-L0ng-Value!";
const SHORT_NEXT = "Yx^";
const LONG_NEXT = "changed-L0ng-Value!";
const ALL = [SHORT, LONG, SHORT_NEXT, LONG_NEXT];

function manifests(ns: string, short: string, long: string, extra = ""): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
  namespace: ${ns}
stringData:
  pin: "${short}"
  password: "${long}"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${ns}
data:
  pin: "${short}"
  password: "${long}"
  encoded: ${b64(long)}
  dsn: "postgres://app:${long}@db:5432/app"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${ns}
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
            - { name: PASSWORD, value: "${long}" }
${extra}`;
}

/** A ConfigMap the API server rejects, quoting the label value (a copy of the Secret's value). */
function rejected(ns: string, value: string): string {
  return `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: labelled
  namespace: ${ns}
  labels:
    copy: "${value}"
data:
  x: "1"
`;
}

function expectNoValue(...results: CliResult[]): void {
  for (const r of results) {
    for (const value of ALL.flatMap((v) => [v, b64(v)])) {
      expect(r.stdout).not.toContain(value);
      expect(r.stderr).not.toContain(value);
    }
  }
}

let cache: ReturnType<typeof tempDir>;
const repos: TempRepo[] = [];

beforeAll(() => {
  cache = tempDir("zakenak-copied-cache-");
});
afterAll(() => {
  for (const r of repos) r.cleanup();
  cache?.cleanup();
});

/** A repository of its own environment (and namespace), whose first commit holds only the namespace. */
function scenario() {
  const env = uniqueName("copied");
  const ns = env;
  const repo = tempRepo({
    ".zakenak.yaml": `environments:\n  - name: ${env}\nreleases:\n  - name: app\n    manifests: manifests/app\npolicy:\n  rules:\n    plain-secret: off\n    # The test plants Secret values in the change on purpose.\n    secret-in-change: off\n`,
    "manifests/app/all.yaml": `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
  });
  repos.push(repo);
  repo.commit("namespace only");
  const cli = (...argv: string[]) =>
    runCli([...argv, "--repo", repo.dir, "--kubeconfig", sharedKubeconfig()], {
      cwd: repo.dir,
      cacheDir: cache.dir,
    });
  // One after the other: the disk cache names its temporary files by process, so two renders of the
  // same release in one process at once would trip over each other.
  const plans = async (...argv: string[]): Promise<CliResult[]> => {
    const out: CliResult[] = [];
    for (const format of ["text", "markdown", "json"]) out.push(await cli(...argv, "--format", format));
    return out;
  };
  return { env, ns, repo, cli, plans };
}

describe("a Secret's values copied into a ConfigMap and a container's env", () => {
  it("show in no output: plan, plan --live, apply --dry-run, apply and history", async () => {
    const { env, ns, repo, cli, plans } = scenario();
    repo.write({ "manifests/app/all.yaml": manifests(ns, SHORT, LONG) });
    const repositoryView = await plans("plan");
    for (const r of repositoryView) expect(r.code, r.stderr).toBe(2);
    const live = await plans("plan", "--live", "--env", env);
    for (const r of live) expect(r.code, r.stderr).toBe(2);
    const dryRun = await cli("apply", "--env", env, "--dry-run");
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('+  pin: "***"');
    expectNoValue(...repositoryView, ...live, dryRun);

    repo.commit("copies");
    const applied = await cli("apply", "--env", env, "--no-wait");
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("revision 1 applied");
    const history = await cli("history", "--env", env);
    const historyJson = await cli("history", "--env", env, "--format", "json");
    expect(history.code, history.stderr).toBe(0);
    expect(JSON.parse(historyJson.stdout).revisions).toHaveLength(1);
    expectNoValue(applied, history, historyJson);

    // New values: the old ones are known only from the live Secret the cluster view reads.
    repo.write({ "manifests/app/all.yaml": manifests(ns, SHORT_NEXT, LONG_NEXT) });
    const changed = await plans("plan", "--live", "--env", env);
    for (const r of changed) expect(r.code, r.stderr).toBe(2);
    const changedDryRun = await cli("apply", "--env", env, "--dry-run");
    expectNoValue(...changed, changedDryRun);
    const [text] = changed;
    expect(text?.stdout).toContain(`~ update ConfigMap ${ns}/settings`);
    expect(text?.stdout).toContain('-  pin: "*** (before)"');
    expect(text?.stdout).toContain('+  pin: "*** (after)"');
    expect(text?.stdout).toContain("+  dsn: postgres://app:***@db:5432/app");
    expect(text?.stdout).toContain(`~ update Deployment ${ns}/web`);
    expect(changedDryRun.stdout).toContain('+              value: "*** (after)"');
  });

  it("are redacted from a server error in the cluster view, the apply's error, and the history", async () => {
    const { env, ns, repo, cli } = scenario();
    repo.write({ "manifests/app/all.yaml": manifests(ns, SHORT, LONG) });
    repo.commit("copies");
    expect((await cli("apply", "--env", env, "--no-wait")).code).toBe(0);
    repo.write({ "manifests/app/all.yaml": manifests(ns, SHORT_NEXT, LONG_NEXT, rejected(ns, LONG_NEXT)) });
    repo.commit("a label the server rejects");
    const live = await cli("plan", "--live", "--env", env, "--debug");
    expect(live.code, live.stdout).toBe(1);
    expect(live.stderr).toContain('Invalid value: "***"');

    const applied = await cli("apply", "--env", env, "--no-wait", "--debug");
    expect(applied.code).toBe(1);
    expect(applied.stderr).toContain('Invalid value: "***"');

    const history = await cli("history", "--env", env);
    const json = await cli("history", "--env", env, "--format", "json");
    expect(history.code, history.stderr).toBe(0);
    const revisions = JSON.parse(json.stdout).revisions as { result: string; message?: string }[];
    expect(revisions[0]).toMatchObject({ result: "failed" });
    expect(revisions[0]?.message).toContain('Invalid value: "***"');
    expectNoValue(live, applied, history, json);
  });
});
