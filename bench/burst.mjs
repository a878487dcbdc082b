// The `burst` benchmark: PRS pull requests opened at once on a real Gitea, served by `zakenak serve`.
//
// Set-up (once): a Gitea from the cached build (startGitea from the test fixture in test/support/gitea/,
// compiled to bench/dist/ by `npm run build:bench`), a bot user, and a redis-server of the bench's own on a
// free port (--save "" --appendonly no).
//
// Each iteration (one warm-up + N measured) measures two things on fresh repositories of the same shape
// (`.zakenak.yaml` with one environment `dev` on branch `develop` and one release `app` of four manifests:
// Namespace, ConfigMap, Deployment, Service; PRS feature branches off `develop`, each changing the
// ConfigMap). Branches are made before any webhook exists, so only the pull requests are delivered:
//
//   baseline  the repository's webhook (Gitea type, the bot's event list) points at a bare receiver
//             (startWebhookReceiver from the same fixture) that answers 200 at once. Time from the first
//             `POST /pulls` until the receiver has the `pull_request` "opened" delivery of every PR: what
//             Gitea alone needs to take PRS pull requests and deliver their webhooks.
//   zakenak   a fresh `node bin/zakenak.js serve` (GITEA_URL/GITEA_TOKEN/GITEA_WEBHOOK_SECRET, REDIS_URL to
//             the flushed Redis, PORT=0, a fresh ZAKENAK_CACHE_DIR, default worker concurrency); the webhook
//             points at its intake. Time from the first `POST /pulls` until every PR has the bot's comment
//             with the plan marker, found by listing the repository's comments
//             (`GET /repos/{o}/{r}/issues/comments`, from the last known page on) every POLL_MS. Then serve's VmHWM (peak RSS
//             of the node process; children such as git are not counted) is read from /proc before SIGTERM,
//             and serve must exit 0 with no failed job in its log.
//
// Pull requests are opened OPEN_CONCURRENCY at a time (more in flight does not make Gitea take them faster). The
// two measurements alternate which goes first; each iteration waits for an idle machine first.
//
// Results:
//   burst           zakenak time to all PRS plan comments (ms); baseline: Gitea delivering the PRS
//                   pull_request webhooks to a bare receiver; ratio = how many times longer the bot takes
//   burst-peak-rss  serve's peak RSS during the burst (MB); baseline: serve's peak RSS after start-up, idle
//
// One iteration with 100 PRs takes minutes (Gitea takes ~2 PRs/s on 2 cores, and each measurement first makes
// its 100 branches), so the warm-up iteration opens WARMUP_PRS PRs only and the measured runs are capped at
// BENCH_BURST_RUNS (default 2; `--runs` lowers it further). BENCH_BURST_PRS (default 100) scales the burst.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitForQuiet } from "./lib/quiet.mjs";
import { startRedisServer } from "./lib/redis-server.mjs";
import { describeSamples, median } from "./lib/stats.mjs";

export const name = "burst";
export const description =
  "100 PRs opened at once on a real Gitea: time until zakenak serve posted every plan comment, and its peak RSS";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WORK = join(ROOT, "bench", "work", "burst");
const PRS = Number(process.env.BENCH_BURST_PRS || 100);
/** Pull requests in the warm-up iteration: enough to warm Gitea, serve and the caches, cheap to set up. */
const WARMUP_PRS = Math.min(PRS, 10);
/** Measured iterations at most (each takes minutes); `--runs` lowers it further. */
const MAX_RUNS = Number(process.env.BENCH_BURST_RUNS || 2);
const OPEN_CONCURRENCY = 32;
const BRANCH_CONCURRENCY = 4;
const POLL_MS = 250;
const BURST_TIMEOUT_MS = 15 * 60_000;

const hex = (n = 4) => randomBytes(n).toString("hex");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const ZAKENAK_YAML = `environments:
  - name: dev
    branch: develop
releases:
  - name: app
    manifests: manifests/app
`;

function manifests(color) {
  return {
    "manifests/app/namespace.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    "manifests/app/configmap.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  color: "${color}"
  greeting: "hello"
`,
    "manifests/app/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
          ports:
            - containerPort: 80
          envFrom:
            - configMapRef:
                name: settings
`,
    "manifests/app/service.yaml": `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 80
`,
  };
}

/** Runs `fn` over `items` with at most `limit` in flight; rejects with the first error. */
async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** VmHWM and VmRSS of a process, in kB. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { hwmKB: kb("VmHWM"), rssKB: kb("VmRSS") };
}

/**
 * A repository owned by the admin: the config and manifests on `develop` (and main), the bot an admin
 * collaborator, and PRS feature branches off develop, each changing the ConfigMap. No webhook yet.
 */
async function createBurstRepo(admin, bot, tag, count) {
  const repo = await admin.createRepo({ name: `burst-${tag}-${hex()}` });
  const owner = repo.owner.login;
  const name = repo.name;
  await admin.putFiles({
    owner,
    repo: name,
    branch: "main",
    files: { ".zakenak.yaml": ZAKENAK_YAML, ...manifests("blue") },
    message: "Zakenak config and manifests",
  });
  await admin.createBranch({ owner, repo: name, name: "develop", from: "main" });
  await admin.addCollaborator({ owner, repo: name, user: bot.username, permission: "admin" });
  const branches = Array.from({ length: count }, (_, k) => `feature-${String(k + 1).padStart(3, "0")}`);
  await pool(branches, BRANCH_CONCURRENCY, (branch) =>
    admin.putFiles({
      owner,
      repo: name,
      branch: "develop",
      newBranch: branch,
      files: {
        "manifests/app/configmap.yaml": manifests(`${branch}-${tag}`)["manifests/app/configmap.yaml"],
      },
      message: `Color ${branch}`,
    }),
  );
  return { owner, name, branches };
}

/** Opens one PR per branch, OPEN_CONCURRENCY at a time; returns the numbers and when the last POST returned. */
async function openAll(admin, repo, t0) {
  let lastMs = 0;
  const numbers = await pool(repo.branches, OPEN_CONCURRENCY, async (head) => {
    const pr = await admin.openPullRequest({ owner: repo.owner, repo: repo.name, head, base: "develop" });
    lastMs = Math.max(lastMs, performance.now() - t0);
    return pr.number;
  });
  return { numbers, openedMs: lastMs };
}

/**
 * The repository's comments (oldest first, 50 a page) into `seen` (id → { number, body, login }). Only
 * the pages from the one holding the last known comment on are read: the plan comments are created once
 * (an upsert only edits a comment that already carries the marker), so earlier pages are final.
 */
async function pollComments(admin, repo, seen) {
  const base = `repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/issues/comments`;
  let requests = 0;
  for (let page = Math.floor(seen.size / 50) + 1; ; page++) {
    const list = await admin.json("GET", `${base}?limit=50&page=${page}`);
    requests++;
    for (const c of list) {
      const m = /\/(?:issues|pulls)\/(\d+)$/.exec(c.pull_request_url || c.issue_url || "");
      seen.set(c.id, {
        number: m ? Number(m[1]) : undefined,
        body: c.body ?? "",
        login: c.user?.login ?? "",
      });
    }
    if (list.length < 50) return requests;
  }
}

async function deleteRepo(admin, repo) {
  await admin
    .request("DELETE", `repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}`)
    .catch(() => {});
}

/** Gitea alone: PRS pull requests, webhooks to a bare receiver. */
async function measureBaseline(ctx, tag, count) {
  const { admin, bot, secret, startWebhookReceiver, defaultWebhookEvents } = ctx;
  const repo = await createBurstRepo(admin, bot, `${tag}-base`, count);
  const receiver = await startWebhookReceiver();
  try {
    await admin.createWebhook({
      owner: repo.owner,
      repo: repo.name,
      url: receiver.url,
      secret,
      events: defaultWebhookEvents,
    });
    const fullName = `${repo.owner}/${repo.name}`;
    const opened = () => {
      const seen = new Set();
      for (const h of receiver.received) {
        if (
          h.event === "pull_request" &&
          h.payload?.action === "opened" &&
          h.payload?.repository?.full_name === fullName
        )
          seen.add(h.payload.number);
      }
      return seen.size;
    };
    const t0 = performance.now();
    const opening = openAll(admin, repo, t0);
    let openErr;
    opening.catch((e) => {
      openErr = e;
    });
    let firstWebhookMs;
    const deadline = Date.now() + BURST_TIMEOUT_MS;
    for (;;) {
      if (openErr) throw openErr;
      const n = opened();
      if (n > 0) firstWebhookMs ??= performance.now() - t0;
      if (n >= count) break;
      if (Date.now() > deadline)
        throw new Error(
          `baseline (${tag}): only ${opened()} of ${count} pull_request webhooks arrived in ${BURST_TIMEOUT_MS / 1000} s`,
        );
      await sleep(5);
    }
    const ms = performance.now() - t0;
    const { openedMs } = await opening;
    return { ms, openedMs, firstWebhookMs, deliveries: receiver.received.length };
  } finally {
    await receiver.close();
    await deleteRepo(admin, repo);
  }
}

/** `zakenak serve` as a child; resolves once it listens and its workers started. */
async function startServe(ctx, tag) {
  const cacheDir = join(WORK, `cache-${tag}`);
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  const env = { ...process.env };
  for (const k of Object.keys(env))
    if (/^(GITEA_|GITLAB_|APP_ID|PRIVATE_KEY|WEBHOOK_SECRET|ZAKENAK_)/.test(k)) delete env[k];
  Object.assign(env, {
    GITEA_URL: ctx.gitea.url,
    GITEA_TOKEN: ctx.bot.token,
    GITEA_WEBHOOK_SECRET: ctx.secret,
    REDIS_URL: ctx.redis.url,
    PORT: "0",
    LOG_LEVEL: "info",
    ZAKENAK_CACHE_DIR: cacheDir,
    ZAKENAK_REPO_ALLOWLIST: "*",
  });
  const child = spawn(process.execPath, [join(ROOT, "bin", "zakenak.js"), "serve"], {
    cwd: WORK,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // prAccepted: when (performance.now()) intake answered each pull_request "opened" webhook.
  const state = { port: undefined, started: false, failed: [], tail: [], stderr: "", prAccepted: [] };
  let buffered = "";
  child.stdout.on("data", (chunk) => {
    buffered += chunk.toString("utf8");
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      state.tail.push(line);
      if (state.tail.length > 40) state.tail.shift();
      let l;
      try {
        l = JSON.parse(line);
      } catch {
        continue;
      }
      if (l.msg === "zakenak serve listening") state.port = l.port;
      if (l.msg === "workers started") state.started = true;
      if (l.msg === "webhook accepted" && l.type === "pr-opened") state.prAccepted.push(performance.now());
      if (l.msg === "job failed" || l.level >= 50) state.failed.push(line);
    }
  });
  child.stderr.on("data", (b) => (state.stderr += b.toString("utf8")));
  const exited = once(child, "exit");
  const describe = () => `serve stderr:\n${state.stderr}\nlast log lines:\n${state.tail.join("\n")}`;
  const deadline = Date.now() + 30_000;
  while (state.port === undefined || !state.started) {
    if (child.exitCode !== null)
      throw new Error(`zakenak serve exited ${child.exitCode} at start-up\n${describe()}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`zakenak serve did not start within 30 s\n${describe()}`);
    }
    await sleep(20);
  }
  return {
    child,
    state,
    describe,
    url: `http://127.0.0.1:${state.port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      const [code, signal] = await exited;
      clearTimeout(timer);
      rmSync(cacheDir, { recursive: true, force: true });
      return { code, signal };
    },
  };
}

/** zakenak serve: PRS pull requests until every plan comment is there. */
async function measureZakenak(ctx, tag, count) {
  const { admin, bot, secret, PLAN_MARKER, defaultWebhookEvents } = ctx;
  await ctx.redis.client.flushall();
  const serve = await startServe(ctx, tag);
  let stopped = false;
  const repo = await createBurstRepo(admin, bot, `${tag}-zk`, count).catch(async (e) => {
    await serve.stop();
    throw e;
  });
  try {
    const idle = memoryOf(serve.child.pid);
    await admin.createWebhook({
      owner: repo.owner,
      repo: repo.name,
      url: `${serve.url}/api/gitea/webhooks`,
      secret,
      events: defaultWebhookEvents,
    });
    const botLogin = bot.username.toLowerCase();
    const planned = new Set();
    const seen = new Map();
    let polls = 0;
    let pollRequests = 0;
    let firstCommentMs;
    const t0 = performance.now();
    const opening = openAll(admin, repo, t0);
    let openErr;
    opening.catch((e) => (openErr = e));
    const deadline = Date.now() + BURST_TIMEOUT_MS;
    while (planned.size < count) {
      if (openErr) throw openErr;
      if (serve.child.exitCode !== null)
        throw new Error(
          `zakenak serve exited (${serve.child.exitCode}) during the burst\n${serve.describe()}`,
        );
      if (serve.state.failed.length > 0)
        throw new Error(
          `zakenak serve logged a failure during the burst:\n${serve.state.failed.slice(0, 5).join("\n")}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `zakenak (${tag}): only ${planned.size} of ${count} plan comments after ${BURST_TIMEOUT_MS / 1000} s\n${serve.describe()}`,
        );
      await sleep(POLL_MS);
      polls++;
      pollRequests += await pollComments(admin, repo, seen);
      for (const c of seen.values()) {
        if (c.number !== undefined && c.login.toLowerCase() === botLogin && c.body.includes(PLAN_MARKER)) {
          planned.add(c.number);
          firstCommentMs ??= performance.now() - t0;
        }
      }
    }
    const ms = performance.now() - t0;
    const { numbers, openedMs } = await opening;
    const missing = numbers.filter((n) => !planned.has(n));
    if (missing.length > 0) throw new Error(`zakenak (${tag}): no plan comment on PRs ${missing.join(", ")}`);
    const peak = memoryOf(serve.child.pid);
    stopped = true;
    const exit = await serve.stop();
    if (exit.code !== 0)
      throw new Error(
        `zakenak serve exited with ${exit.signal ?? exit.code} on SIGTERM\n${serve.describe()}`,
      );
    if (serve.state.failed.length > 0)
      throw new Error(`zakenak serve logged a failure:\n${serve.state.failed.slice(0, 5).join("\n")}`);
    if (serve.state.prAccepted.length !== count)
      throw new Error(
        `zakenak (${tag}): intake accepted ${serve.state.prAccepted.length} pull_request "opened" webhooks, expected ${count}`,
      );
    return {
      ms,
      openedMs,
      firstWebhookMs: serve.state.prAccepted[0] - t0,
      lastWebhookMs: serve.state.prAccepted[count - 1] - t0,
      firstCommentMs,
      polls,
      pollRequests,
      idleHwmKB: idle.hwmKB,
      peakHwmKB: peak.hwmKB,
      endRssKB: peak.rssKB,
    };
  } finally {
    if (!stopped) await serve.stop().catch(() => {});
    await deleteRepo(admin, repo);
  }
}

export async function run({ runs, log }) {
  const dist = (p) => import(join(ROOT, "dist", p));
  // The Gitea fixture is test code, so it is not in dist/: `npm run bench` compiles it to bench/dist/.
  const fixture = (p) => import(join(ROOT, "bench", "dist", "test", "support", "gitea", p));
  const { startGitea } = await fixture("start-gitea.js");
  const { GiteaFixture } = await fixture("gitea-fixture.js");
  const { defaultWebhookEvents } = await fixture("gitea-webhooks.js");
  const { startWebhookReceiver } = await fixture("start-webhook-receiver.js");
  const { PLAN_MARKER } = await dist("commands/plan-comment.js");
  mkdirSync(WORK, { recursive: true });

  let t = Date.now();
  const [gitea, redis] = await Promise.all([startGitea(), startRedisServer()]);
  try {
    const admin = new GiteaFixture(gitea.url, gitea.adminToken);
    const version = await admin.version();
    const bot = await admin.createUser({ username: `zakenak-bot-${hex(2)}` });
    log(
      `gitea ${version} on ${gitea.url} (pid ${gitea.pid}), redis ${redis.url}; up in ${Date.now() - t} ms`,
    );
    const ctx = {
      gitea,
      redis,
      admin,
      bot,
      secret: `burst-${hex(8)}`,
      PLAN_MARKER,
      defaultWebhookEvents,
      startWebhookReceiver,
    };
    const base = [];
    const zk = [];
    const noisy = [];
    const iterationMs = [];
    const measuredRuns = Math.min(runs, MAX_RUNS);
    log(
      `${PRS} PRs per measured run, ${measuredRuns} measured run(s) (BENCH_BURST_RUNS=${MAX_RUNS}, --runs ${runs}) after a warm-up of ${WARMUP_PRS} PRs`,
    );
    for (let i = 0; i <= measuredRuns; i++) {
      const tag = i === 0 ? `warm-up (${WARMUP_PRS} PRs)` : `run ${i}/${measuredRuns}`;
      const count = i === 0 ? WARMUP_PRS : PRS;
      const id = i === 0 ? "w" : String(i);
      const quiet = await waitForQuiet();
      if (!quiet.quiet) noisy.push(tag);
      const order = i % 2 === 0 ? ["baseline", "zakenak"] : ["zakenak", "baseline"];
      const parts = [];
      const iterationStart = Date.now();
      for (const which of order) {
        t = Date.now();
        if (which === "baseline") {
          const r = await measureBaseline(ctx, id, count);
          if (i > 0) base.push(r);
          parts.push(
            `baseline ${r.ms.toFixed(0)} ms (PRs opened in ${r.openedMs.toFixed(0)} ms, first webhook at ${r.firstWebhookMs.toFixed(0)} ms, ${r.deliveries} deliveries; ${((Date.now() - t) / 1000).toFixed(0)} s with set-up)`,
          );
        } else {
          const r = await measureZakenak(ctx, id, count);
          if (i > 0) zk.push(r);
          parts.push(
            `zakenak ${r.ms.toFixed(0)} ms (PRs opened in ${r.openedMs.toFixed(0)} ms, webhooks accepted from ${r.firstWebhookMs.toFixed(0)} to ${r.lastWebhookMs.toFixed(0)} ms, first comment at ${r.firstCommentMs.toFixed(0)} ms, ${r.polls} polls (${r.pollRequests} requests); serve peak RSS ${(r.peakHwmKB / 1024).toFixed(1)} MB, idle ${(r.idleHwmKB / 1024).toFixed(1)} MB; ${((Date.now() - t) / 1000).toFixed(0)} s with set-up)`,
          );
        }
      }
      if (i > 0) iterationMs.push(Date.now() - iterationStart);
      log(`${tag} (machine ${(100 * (quiet.busy ?? 0)).toFixed(0)}% busy before): ${parts.join("; ")}`);
    }

    const mb = (kb) => kb / 1024;
    const zkMs = zk.map((r) => r.ms);
    const baseMs = base.map((r) => r.ms);
    const noise =
      noisy.length > 0 ? ` Started while the machine was busy (others' tests): ${noisy.join(", ")}.` : "";
    const scale =
      `${PRS === 100 ? "" : ` Scaled to ${PRS} pull requests (BENCH_BURST_PRS) instead of 100.`} Scaled in runs: ` +
      `one iteration (both measurements with their set-up of ${2 * PRS} branches) took ` +
      `${(median(iterationMs) / 60_000).toFixed(1)} minutes (median) on this machine, so the medians are over ${zk.length} measured run(s) (BENCH_BURST_RUNS, default 2), after a ` +
      `warm-up iteration of ${WARMUP_PRS} PRs.`;
    const ms = (list, f) => describeSamples(list.map(f), "ms", 0);
    return [
      {
        name: "burst",
        value: median(zkMs),
        unit: "ms",
        baseline: `Gitea alone: ${PRS} pull_request webhooks delivered to a bare receiver`,
        baselineValue: median(baseMs),
        goal: { maxRatio: 1.2, context: `on ${availableParallelism()} cores` },
        note:
          `${PRS} pull requests opened ${OPEN_CONCURRENCY} at a time on a real Gitea ${version} (SQLite) against ` +
          `\`zakenak serve\` (its own process, default worker concurrency 4, fresh render cache and flushed Redis ` +
          `each run; repository: one environment dev on develop, one release of 4 manifests; each PR changes the ` +
          `ConfigMap). Value: first POST /pulls until every PR carries the bot's plan comment (repository ` +
          `comments polled every ${POLL_MS} ms): ${ms(zk, (r) => r.ms)}. Timeline of the zakenak runs from the ` +
          `first POST /pulls: intake accepted the first pull_request webhook after ${ms(zk, (r) => r.firstWebhookMs)} ` +
          `and the last after ${ms(zk, (r) => r.lastWebhookMs)}; Gitea had answered every POST /pulls after ` +
          `${ms(zk, (r) => r.openedMs)}; first plan comment after ${ms(zk, (r) => r.firstCommentMs)}; last plan ` +
          `comment ${ms(zk, (r) => r.ms - r.lastWebhookMs)} after the last webhook. Baseline: the same burst on a ` +
          `repository whose webhook points at a bare 200 receiver, first POST /pulls until all ${PRS} ` +
          `pull_request "opened" deliveries arrived (${ms(base, (r) => r.ms)}; first delivery after ` +
          `${ms(base, (r) => r.firstWebhookMs)}, every POST /pulls answered after ${ms(base, (r) => r.openedMs)}): ` +
          `the floor any bot on this Gitea has, so the ratio says how many times that floor the bot needs to plan ` +
          `and comment everything (lower is better). Gitea, Redis, serve and the bench share ` +
          `${availableParallelism()} cores; the two alternate which goes first. Node ${process.version}.${scale}${noise}`,
      },
      {
        name: "burst-peak-rss",
        value: median(zk.map((r) => mb(r.peakHwmKB))),
        unit: "MB",
        baseline: "zakenak serve idle after start-up (VmHWM)",
        baselineValue: median(zk.map((r) => mb(r.idleHwmKB))),
        note:
          `Peak resident memory (VmHWM of the serve node process from /proc/<pid>/status after the last comment; ` +
          `intake and workers are one process; child processes are not counted) during the ${PRS}-PR burst: ` +
          `${describeSamples(
            zk.map((r) => mb(r.peakHwmKB)),
            "MB",
          )}; RSS at the end ` +
          `${describeSamples(
            zk.map((r) => mb(r.endRssKB)),
            "MB",
          )}. Baseline: the same process's VmHWM after ` +
          `start-up, before any webhook (${describeSamples(
            zk.map((r) => mb(r.idleHwmKB)),
            "MB",
          )}); the ratio is ` +
          `the growth the burst causes.`,
      },
    ];
  } finally {
    await Promise.allSettled([gitea.stop(), redis.stop()]);
  }
}
