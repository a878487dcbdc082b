// The `cluster` benchmark: zakenak against kubectl on a real control plane (kube-apiserver + etcd, no
// controllers), 500 objects. Produces four results:
//   apply      first `zakenak apply --env bench --no-wait` vs `kubectl apply --server-side -f DIR --recursive`
//   apply-vs-floor  the same first zakenak apply vs the API server's own floor: the same 510 server-side
//              applies (same objects, field manager, stages and requests in flight) sent by Zakenak's own
//              kube client and nothing else (bench/lib/apply-floor.mjs; its clock starts at connect, after
//              Node's start-up and the parse), on a fresh control plane of its own
//   reapply    the same apply again, nothing changed (zakenak's second apply vs kubectl's second apply)
//   live-diff  `zakenak plan --live --format json` (exit 2) vs `kubectl diff --server-side
//              --field-manager=zakenak -f DIR --recursive` (exit 0/1), one ConfigMap edited, against the
//              objects zakenak applied
//
// Objects: 10 Namespaces + 170 Deployments, 170 Services, 160 ConfigMaps (17/17/16 per namespace), one
// file per object. The Namespaces are part of what each tool applies (in `00-namespaces.yaml`, which
// kubectl reads first; zakenak orders them first itself), so both runs create them.
//
// Clean slate: no namespace controller runs, so deleted namespaces never go away. Each iteration
// (warm-up + N measured) therefore starts three FRESH control planes (≈3-4 s, in parallel), one per tool
// and one for the floor (the apiserver's /24 service CIDR holds 253 Services, not 340; and neither tool
// sees the other's objects). zakenak applies zk-ns-00..09 to one, kubectl kc-ns-00..09 (equal name
// lengths) to the other, the floor zakenak's objects to the third; zakenak and kubectl alternate which
// goes first, step by step, and the floor runs right beside zakenak's first apply. A throw-away
// server-side apply warms each API server up before anything is timed. Both live diffs run against the objects zakenak applied. Other
// people's tests share the machine, so each iteration waits (up to 3 min) until the CPUs are idle.
// Every zakenak run is a child process as users run it: `node bin/zakenak.js ...`.
//
// Checks after each run: exit codes; object counts in the cluster (10 namespaces, 500 objects per set);
// zakenak's own "applied: N written, M unchanged" line; after a re-apply, that no object of either set got
// a new resourceVersion; the live plan has exactly the edited ConfigMap as its one change.
//
// Extra figures in the notes: the CPU time kube-apiserver + etcd spent on each step (the server shares
// the cores, so it bounds how fast any client can apply), kube-apiserver RSS at the end of each
// iteration, zakenak peak RSS, and the CLI's fixed cost (`zakenak history --env bench`, one small
// request) as a start-up yardstick.
//
// BENCH_CLUSTER_CPU_PROF=DIR: zakenak children of the measured runs also write V8 CPU profiles to DIR.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RSS_METHOD, runMeasured, runSetup } from "./lib/process.mjs";
import { waitForQuiet } from "./lib/quiet.mjs";
import { describeSamples, median } from "./lib/stats.mjs";

export const name = "cluster";
export const description =
  "zakenak apply / re-apply / plan --live of 500 objects vs kubectl server-side apply / diff, real kube-apiserver";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WORK = join(ROOT, "bench", "work", "cluster");
const NAMESPACES = 10;
const PER_NAMESPACE = { Deployment: 17, Service: 17, ConfigMap: 16 };
const OBJECTS = NAMESPACES * (PER_NAMESPACE.Deployment + PER_NAMESPACE.Service + PER_NAMESPACE.ConfigMap);
const SET_LABEL = "bench.zakenak.dev/set";
/** The ConfigMap the live-diff run edits in zakenak's working tree. */
const EDITED = { namespace: "zk-ns-03", name: "cfg-07" };
/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on every common Linux). */
const CLK_TCK = Number(runSetup("getconf", ["CLK_TCK"]).trim()) || 100;

export async function run({ runs, log }) {
  const { toolPath } = await import(join(ROOT, "dist", "tools", "tool-path.js"));
  const { startControlPlane } = await import(join(ROOT, "dist", "control-plane", "start-control-plane.js"));
  const { APPLY_CONCURRENCY: applyConcurrency } = await import(
    join(ROOT, "dist", "applying", "apply-objects.js")
  );
  const kubectl = process.env.ZAKENAK_KUBECTL || toolPath("kubectl");
  const helm = process.env.ZAKENAK_HELM || toolPath("helm");
  const node = process.execPath;
  log(`node: ${process.version} (${node}), also running every zakenak child`);
  log(`kubectl: ${runSetup(kubectl, ["version", "--client"]).split("\n")[0].trim()} (${kubectl})`);
  log(`cores: ${availableParallelism()} available; peak RSS via ${RSS_METHOD}`);
  log(`zakenak commit: ${runSetup("git", ["-C", ROOT, "log", "-1", "--format=%h %s"]).trim()}${dirtyKube()}`);

  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const zkRepo = join(WORK, "zk-repo");
  const kcDir = join(WORK, "kc-manifests");
  const t0 = Date.now();
  writeZakenakRepo(zkRepo);
  writeManifests(kcDir, "kc");
  log(
    `generated ${zkRepo} and ${kcDir}: ${NAMESPACES} namespaces + ${OBJECTS} objects each (${Date.now() - t0} ms)`,
  );

  const profDir = process.env.BENCH_CLUSTER_CPU_PROF;
  const zkEnv = (cacheDir) => ({
    ...process.env,
    ZAKENAK_CACHE_DIR: cacheDir,
    ZAKENAK_HELM: helm,
    ZAKENAK_KUBECTL: kubectl,
    NO_COLOR: "1",
  });
  const kcEnv = { ...process.env, KUBECACHEDIR: join(WORK, "kubectl-cache") };
  const zakenak = (args, opts) =>
    runMeasured(
      node,
      [
        ...(profDir && opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
        join(ROOT, "bin", "zakenak.js"),
        ...args,
      ],
      { cwd: zkRepo, env: zkEnv(opts.cacheDir), ...opts },
    );

  const s = {
    zkApply: [],
    kcApply: [],
    zkReapply: [],
    kcReapply: [],
    zkDiff: [],
    kcDiff: [],
    zkApplyRss: [],
    zkReapplyRss: [],
    zkDiffRss: [],
    history: [],
    startMs: [],
    zkApiserverRss: [],
    zkApiserverHwm: [],
    kcApiserverRss: [],
    kcApiserverHwm: [],
    srvZkApply: [],
    srvKcApply: [],
    srvZkReapply: [],
    srvKcReapply: [],
    srvZkDiff: [],
    srvKcDiff: [],
    floor: [],
    srvFloor: [],
  };
  let kcDiffObjects = 0;
  /** Iterations that started although other processes kept the machine busy. */
  const noisy = [];
  for (let i = 0; i <= runs; i++) {
    const tag = i === 0 ? "warm-up" : `run ${i}/${runs}`;
    const zkFirst = i % 2 === 0;
    const cacheDir = join(WORK, `cache-${i}`);
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    resetEdit(zkRepo);
    // Other people's tests share this machine: start an iteration only when the CPUs are idle.
    const quiet = await waitForQuiet();
    if (!quiet.quiet) noisy.push(tag);
    // Fresh control planes, one per tool and one for the floor: the 170+170 Services would not fit the /24
    // service CIDR of one, and neither tool then sees the other's objects. All run for the whole
    // iteration, so each run has two idle API servers beside it.
    const started = Date.now();
    const cps = await Promise.allSettled([startControlPlane(), startControlPlane(), startControlPlane()]);
    const startMs = Date.now() - started;
    try {
      for (const c of cps) if (c.status === "rejected") throw c.reason;
      const [zkCp, kcCp, flCp] = cps.map((c) => c.value);
      const ZK = zkCp.kubeconfigPath;
      const KC = kcCp.kubeconfigPath;
      const FL = flCp.kubeconfigPath;
      const kc = (K, args, opts = {}) =>
        runMeasured(kubectl, [...args, "--kubeconfig", K], { env: kcEnv, ...opts });
      // CPU time that kube-apiserver + etcd spent on a step: the server's share of the work.
      const onServer = (cp, step) => async () => {
        const before = serverCpuMs(cp.pids);
        const r = await step();
        r.serverCpuMs = serverCpuMs(cp.pids) - before;
        return r;
      };
      // Warm each API server (the first server-side apply builds type converters, connections open).
      const warm = join(WORK, "warm.yaml");
      writeFileSync(
        warm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warm\n  namespace: default\ndata:\n  a: b\n",
      );
      for (const K of [ZK, KC, FL]) {
        await kc(K, ["apply", "--server-side", "-f", warm], { label: "warm-up apply" });
        await kc(K, ["get", "namespaces"], { label: "warm-up get" });
      }

      const zkApplyArgs = ["apply", "--env", "bench", "--repo", zkRepo, "--kubeconfig", ZK, "--no-wait"];
      const kcApplyArgs = ["apply", "--server-side", "-f", kcDir, "--recursive"];
      const pair = async (zkStep, kcStep) => {
        if (zkFirst) return [await zkStep(), await kcStep()];
        const k = await kcStep();
        return [await zkStep(), k];
      };

      const floorOut = join(WORK, "apply-floor.json");
      // apply, and the floor right beside zakenak's (before it when zakenak goes first, after it otherwise)
      const floorStep = onServer(flCp, async () => {
        const r = await runMeasured(
          node,
          [join(ROOT, "bench", "lib", "apply-floor.mjs"), FL, join(zkRepo, "manifests"), "bench"],
          { label: "apply floor (zakenak's kube client alone)", stdoutFile: floorOut },
        );
        const out = JSON.parse(readFileSync(floorOut, "utf8").trim().split("\n").pop());
        if (out.requests !== OBJECTS + NAMESPACES)
          throw new Error(`apply floor sent ${out.requests} applies, expected ${OBJECTS + NAMESPACES}`);
        return { ...r, ms: out.ms, processMs: r.ms };
      });
      const zkApplyStep = onServer(zkCp, () =>
        zakenak(zkApplyArgs, { cacheDir, label: "zakenak apply", profile: i > 0 }),
      );
      const kcApplyStep = onServer(kcCp, () => kc(KC, kcApplyArgs, { label: "kubectl apply --server-side" }));
      let fa;
      const [za, ka] = await pair(async () => {
        if (zkFirst) fa = await floorStep();
        const z = await zkApplyStep();
        if (!zkFirst) fa = await floorStep();
        return z;
      }, kcApplyStep);
      expectCounts(countObjects(kubectl, FL, kcEnv, "zk"), "zk", "after the apply floor");
      expectWritten(za.stderr, OBJECTS + NAMESPACES, 0, "first zakenak apply");
      expectCounts(countObjects(kubectl, ZK, kcEnv, "zk"), "zk", "after zakenak apply");
      expectCounts(countObjects(kubectl, KC, kcEnv, "kc"), "kc", "after kubectl apply");
      const versionsBefore = {
        zk: resourceVersions(kubectl, ZK, kcEnv, "zk"),
        kc: resourceVersions(kubectl, KC, kcEnv, "kc"),
      };

      // reapply, nothing changed
      const [zr, kr] = await pair(
        onServer(zkCp, () =>
          zakenak(zkApplyArgs, { cacheDir, label: "zakenak apply (again)", profile: i > 0 }),
        ),
        onServer(kcCp, () => kc(KC, kcApplyArgs, { label: "kubectl apply --server-side (again)" })),
      );
      expectWritten(zr.stderr, 0, OBJECTS + NAMESPACES, "second zakenak apply");
      expectCounts(countObjects(kubectl, ZK, kcEnv, "zk"), "zk", "after zakenak re-apply");
      expectCounts(countObjects(kubectl, KC, kcEnv, "kc"), "kc", "after kubectl re-apply");
      for (const [set, K] of [
        ["zk", ZK],
        ["kc", KC],
      ]) {
        const after = resourceVersions(kubectl, K, kcEnv, set);
        const bumped = [...after].filter(([k, v]) => versionsBefore[set].get(k) !== v).map(([k]) => k);
        if (bumped.length > 0)
          throw new Error(
            `re-apply of set ${set} wrote ${bumped.length} objects: ${bumped.slice(0, 5).join(", ")}`,
          );
      }

      // live diff: one ConfigMap of zakenak's working tree edited; both tools compare that tree with the
      // objects zakenak applied
      editOne(zkRepo);
      const planOut = join(WORK, "plan.json");
      const kcDiffOut = join(WORK, "kubectl-diff.txt");
      const [zd, kd] = await pair(
        onServer(zkCp, () =>
          zakenak(
            ["plan", "--live", "--env", "bench", "--repo", zkRepo, "--kubeconfig", ZK, "--format", "json"],
            {
              cacheDir,
              label: "zakenak plan --live",
              okCodes: [2],
              stdoutFile: planOut,
              profile: i > 0,
            },
          ),
        ),
        onServer(zkCp, () =>
          kc(
            ZK,
            [
              "diff",
              "--server-side",
              "--field-manager=zakenak",
              "-f",
              join(zkRepo, "manifests"),
              "--recursive",
            ],
            {
              label: "kubectl diff --server-side",
              okCodes: [0, 1],
              stdoutFile: kcDiffOut,
              env: { ...kcEnv, KUBECTL_EXTERNAL_DIFF: "diff -u -N" },
            },
          ),
        ),
      );
      checkLivePlan(planOut);
      const kcDiffText = readFileSync(kcDiffOut, "utf8");
      if (kd.code !== 1 || !kcDiffText.includes(`${EDITED.name}`))
        throw new Error(
          `kubectl diff (exit ${kd.code}) did not show the edited ConfigMap ${EDITED.namespace}/${EDITED.name}`,
        );
      kcDiffObjects = (kcDiffText.match(/^diff -u -N /gm) ?? []).length;

      // The CLI's fixed cost: config + kubeconfig + one list of the environment's revisions.
      const h = await zakenak(["history", "--env", "bench", "--repo", zkRepo, "--kubeconfig", ZK], {
        cacheDir,
        label: "zakenak history",
      });
      const zkMem = apiserverMemory(zkCp.pids.kubeApiserver);
      const kcMem = apiserverMemory(kcCp.pids.kubeApiserver);
      log(
        `${tag} (${zkFirst ? "zakenak first" : "kubectl first"}; machine ${(100 * (quiet.busy ?? 0)).toFixed(0)}% busy before${quiet.waitedMs > 1500 ? ` after waiting ${(quiet.waitedMs / 1000).toFixed(0)} s` : ""}; 3 control planes up in ${startMs} ms): ` +
          `apply zakenak ${ms(za)} / kubectl ${ms(ka)} / floor ${ms(fa)} (its process ${fa.processMs.toFixed(0)} ms); re-apply ${ms(zr)} / ${ms(kr)}; ` +
          `live diff ${ms(zd)} / ${ms(kd)} (kubectl diff shows ${kcDiffObjects} objects); history ${ms(h)}; ` +
          `kube-apiserver+etcd CPU ${za.serverCpuMs}/${ka.serverCpuMs}/${fa.serverCpuMs}, ${zr.serverCpuMs}/${kr.serverCpuMs}, ${zd.serverCpuMs}/${kd.serverCpuMs} ms; ` +
          `zakenak peak RSS ${mb(za.peakRssKB)}/${mb(zr.peakRssKB)}/${mb(zd.peakRssKB)} MB; ` +
          `kube-apiserver RSS ${zkMem.rssMB.toFixed(0)} MB (zakenak's, peak ${zkMem.hwmMB.toFixed(0)}) / ${kcMem.rssMB.toFixed(0)} MB (kubectl's, peak ${kcMem.hwmMB.toFixed(0)})`,
      );
      if (i === 0) continue;
      s.zkApply.push(za.ms);
      s.kcApply.push(ka.ms);
      s.floor.push(fa.ms);
      s.srvFloor.push(fa.serverCpuMs);
      s.zkReapply.push(zr.ms);
      s.kcReapply.push(kr.ms);
      s.zkDiff.push(zd.ms);
      s.kcDiff.push(kd.ms);
      s.history.push(h.ms);
      s.srvZkApply.push(za.serverCpuMs);
      s.srvKcApply.push(ka.serverCpuMs);
      s.srvZkReapply.push(zr.serverCpuMs);
      s.srvKcReapply.push(kr.serverCpuMs);
      s.srvZkDiff.push(zd.serverCpuMs);
      s.srvKcDiff.push(kd.serverCpuMs);
      s.startMs.push(startMs);
      s.zkApiserverRss.push(zkMem.rssMB);
      s.zkApiserverHwm.push(zkMem.hwmMB);
      s.kcApiserverRss.push(kcMem.rssMB);
      s.kcApiserverHwm.push(kcMem.hwmMB);
      if (za.peakRssKB !== undefined) s.zkApplyRss.push(za.peakRssKB / 1024);
      if (zr.peakRssKB !== undefined) s.zkReapplyRss.push(zr.peakRssKB / 1024);
      if (zd.peakRssKB !== undefined) s.zkDiffRss.push(zd.peakRssKB / 1024);
    } finally {
      await Promise.all(cps.filter((c) => c.status === "fulfilled").map((c) => c.value.stop()));
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  resetEdit(zkRepo);

  const cores = availableParallelism();
  const spread = (xs, unit = "ms") => describeSamples(xs, unit);
  const common =
    `${NAMESPACES} Namespaces + ${OBJECTS} objects (${NAMESPACES * PER_NAMESPACE.Deployment} Deployments, ` +
    `${NAMESPACES * PER_NAMESPACE.Service} Services, ${NAMESPACES * PER_NAMESPACE.ConfigMap} ConfigMaps), one file each; ` +
    `kube-apiserver v1.36.3 + etcd, no controllers, three fresh control planes per iteration, one per tool and one for the floor (all up in ${spread(s.startMs)}), ` +
    `alternating which tool goes first; each iteration started when the machine was idle (≤ 15% busy over 1 s${noisy.length ? `; NOT reached before ${noisy.join(", ")}` : ""}); ${cores} cores; Node ${process.version}.`;
  const memory =
    ` kube-apiserver memory at the end of each iteration: zakenak's (510 objects, zakenak's lock and history, both diffs) RSS ${spread(s.zkApiserverRss, "MB")}, peak ${spread(s.zkApiserverHwm, "MB")}; kubectl's (510 objects) RSS ${spread(s.kcApiserverRss, "MB")}, peak ${spread(s.kcApiserverHwm, "MB")}.` +
    ` zakenak "history" (CLI fixed cost: config, kubeconfig, one list) ${spread(s.history)}.`;
  const rssNote = (xs) => (xs.length > 0 ? ` zakenak peak RSS ${spread(xs, "MB")} (${RSS_METHOD}).` : "");
  return [
    {
      name: "apply",
      value: median(s.zkApply),
      unit: "ms",
      baseline: "kubectl apply --server-side -f DIR --recursive",
      baselineValue: median(s.kcApply),
      goal: { maxRatio: 0.45 },
      note:
        `First apply, wall time of "zakenak apply --env bench --no-wait" (exit 0; lock, revision record, staged server-side apply, history) ` +
        `vs kubectl's sequential server-side apply (field manager "kubectl"). ${common} zakenak ${spread(s.zkApply)}; kubectl ${spread(s.kcApply)}. ` +
        `CPU that kube-apiserver + etcd spent (the server's share, on the same cores): zakenak ${spread(s.srvZkApply)}, kubectl ${spread(s.srvKcApply)}.` +
        rssNote(s.zkApplyRss) +
        memory,
    },
    {
      name: "apply-vs-floor",
      value: median(s.zkApply),
      unit: "ms",
      baseline: "the same 510 server-side applies by Zakenak's kube client alone (the API server's floor)",
      baselineValue: median(s.floor),
      goal: { maxRatio: 1.3 },
      note:
        `The first zakenak apply above (whole process: Node start-up, config, read, parse and validate 510 files, lock, history, live lists, the PATCHes, history write) ` +
        `against bench/lib/apply-floor.mjs on a fresh control plane of its own: the same prepared objects, field manager "zakenak", Namespaces first, ${applyConcurrency} requests in flight (APPLY_CONCURRENCY), through connectKube from dist/, timed from connect to the last response (Node start-up, module loading and the parse excluded). ` +
        `Run right beside zakenak's apply in each iteration. floor ${spread(s.floor)}; zakenak ${spread(s.zkApply)}. kube-apiserver + etcd CPU: floor ${spread(s.srvFloor)}, zakenak ${spread(s.srvZkApply)}.`,
    },
    {
      name: "reapply",
      value: median(s.zkReapply),
      unit: "ms",
      baseline: "kubectl apply --server-side -f DIR --recursive (again)",
      baselineValue: median(s.kcReapply),
      goal: { maxRatio: 0.3 },
      note:
        `Second apply of the same ${OBJECTS + NAMESPACES} objects, nothing changed (checked: zakenak reports 0 written, no resourceVersion changed in either set). ` +
        `zakenak ${spread(s.zkReapply)}; kubectl ${spread(s.kcReapply)}. kube-apiserver + etcd CPU: zakenak ${spread(s.srvZkReapply)}, kubectl ${spread(s.srvKcReapply)}.` +
        rssNote(s.zkReapplyRss),
    },
    {
      name: "live-diff",
      value: median(s.zkDiff),
      unit: "ms",
      baseline: "kubectl diff --server-side --field-manager=zakenak -f DIR --recursive",
      baselineValue: median(s.kcDiff),
      goal: { maxRatio: 0.5 },
      note:
        `"zakenak plan --live --env bench --format json" (exit 2, exactly the edited ConfigMap changed) vs kubectl diff (exit 1) of the same working tree against the objects zakenak applied. ` +
        `kubectl diff shows ${kcDiffObjects} objects as changed, since the files lack the label and annotation zakenak adds; it sends the same dry-run request per object either way. ` +
        `zakenak ${spread(s.zkDiff)}; kubectl ${spread(s.kcDiff)}. kube-apiserver + etcd CPU: zakenak ${spread(s.srvZkDiff)}, kubectl ${spread(s.srvKcDiff)}.` +
        rssNote(s.zkDiffRss),
    },
  ];
}

/** User + system CPU time of kube-apiserver and etcd so far, in ms (from /proc/<pid>/stat). */
function serverCpuMs(pids) {
  let ticks = 0;
  for (const pid of [pids.kubeApiserver, pids.etcd]) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  }
  return ticks * (1000 / CLK_TCK);
}

function ms(r) {
  return `${r.ms.toFixed(0)} ms`;
}

function mb(kb) {
  return kb === undefined ? "?" : (kb / 1024).toFixed(0);
}

/** A note when src/kube has uncommitted edits (another engineer's work in progress is then in dist/). */
function dirtyKube() {
  const out = runSetup("git", ["-C", ROOT, "status", "--porcelain", "--", "src/kube"]).trim();
  return out ? ` (+ ${out.split("\n").length} uncommitted changes in src/kube)` : "";
}

function namespacesOf(set) {
  return Array.from({ length: NAMESPACES }, (_, i) => `${set}-ns-${String(i).padStart(2, "0")}`);
}

function pad(n) {
  return String(n).padStart(2, "0");
}

function deployment(ns, set, n) {
  const app = `app-${pad(n)}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
    ${SET_LABEL}: ${set}
spec:
  replicas: ${(n % 3) + 1}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${app}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${app}
    spec:
      containers:
        - name: web
          image: nginx:1.27.${n % 5}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: APP_NAME
              value: ${app}
          envFrom:
            - configMapRef:
                name: cfg-${pad(n % PER_NAMESPACE.ConfigMap)}
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
          resources:
            requests:
              cpu: ${50 + (n % 4) * 25}m
              memory: ${64 + (n % 3) * 32}Mi
            limits:
              cpu: ${200 + (n % 4) * 100}m
              memory: ${128 + (n % 3) * 64}Mi
`;
}

function service(ns, set, n) {
  const app = `app-${pad(n)}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
  labels:
    app.kubernetes.io/name: ${app}
    ${SET_LABEL}: ${set}
spec:
  selector:
    app.kubernetes.io/name: ${app}
  ports:
    - name: http
      port: 80
      targetPort: http
`;
}

function configMap(ns, set, n, edited = false) {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg-${pad(n)}
  namespace: ${ns}
  labels:
    ${SET_LABEL}: ${set}
data:
  LOG_LEVEL: ${edited ? "debug" : "info"}
  FEATURE_FLAGS: "search,export,audit-${n}"
  settings.yaml: |
    server:
      port: 8080
      workers: ${(n % 4) + 1}
    cache:
      ttlSeconds: ${60 * ((n % 5) + 1)}
`;
}

/** One file per object, `00-namespaces.yaml` first (kubectl applies files in lexical order). */
function writeManifests(dir, set) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const namespaces = namespacesOf(set);
  writeFileSync(
    join(dir, "00-namespaces.yaml"),
    namespaces
      .map(
        (ns) =>
          `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    ${SET_LABEL}: ${set}\n`,
      )
      .join("---\n"),
  );
  for (const ns of namespaces) {
    const d = join(dir, ns);
    mkdirSync(d);
    for (let n = 0; n < PER_NAMESPACE.Deployment; n++)
      writeFileSync(join(d, `deployment-app-${pad(n)}.yaml`), deployment(ns, set, n));
    for (let n = 0; n < PER_NAMESPACE.Service; n++)
      writeFileSync(join(d, `service-app-${pad(n)}.yaml`), service(ns, set, n));
    for (let n = 0; n < PER_NAMESPACE.ConfigMap; n++)
      writeFileSync(join(d, `configmap-cfg-${pad(n)}.yaml`), configMap(ns, set, n));
  }
}

function editedFile(repo) {
  return join(repo, "manifests", EDITED.namespace, `configmap-${EDITED.name}.yaml`);
}

function editOne(repo) {
  writeFileSync(editedFile(repo), configMap(EDITED.namespace, "zk", Number(EDITED.name.slice(4)), true));
}

function resetEdit(repo) {
  writeFileSync(editedFile(repo), configMap(EDITED.namespace, "zk", Number(EDITED.name.slice(4)), false));
}

function writeZakenakRepo(repo) {
  mkdirSync(repo, { recursive: true });
  writeManifests(join(repo, "manifests"), "zk");
  writeFileSync(
    join(repo, ".zakenak.yaml"),
    "environments:\n  - name: bench\n    branch: main\nreleases:\n  - name: bench\n    manifests: manifests\n",
  );
  const git = (...args) =>
    runSetup(
      "git",
      [
        "-c",
        "user.name=Zakenak Bench",
        "-c",
        "user.email=bench@example.invalid",
        "-c",
        "commit.gpgsign=false",
        "-c",
        "core.hooksPath=/dev/null",
        ...args,
      ],
      {
        cwd: repo,
        env: {
          ...process.env,
          GIT_AUTHOR_DATE: "2025-01-01T00:00:00Z",
          GIT_COMMITTER_DATE: "2025-01-01T00:00:00Z",
        },
      },
    );
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "500 objects");
}

/** Objects of one set in the cluster: namespaces and (deployments, services, configmaps). */
function countObjects(kubectl, kubeconfig, env, set) {
  const list = (what) =>
    runSetup(
      kubectl,
      ["get", what, "-A", "-l", `${SET_LABEL}=${set}`, "-o", "name", "--kubeconfig", kubeconfig],
      { env },
    )
      .split("\n")
      .filter(Boolean).length;
  return { namespaces: list("namespaces"), objects: list("deployments,services,configmaps") };
}

function expectCounts(c, set, when) {
  if (c.namespaces !== NAMESPACES || c.objects !== OBJECTS)
    throw new Error(
      `${when}: set ${set} has ${c.namespaces} namespaces and ${c.objects} objects in the cluster, expected ${NAMESPACES} and ${OBJECTS}`,
    );
}

/** key → resourceVersion of every object of a set. */
function resourceVersions(kubectl, kubeconfig, env, set) {
  const out = runSetup(
    kubectl,
    [
      "get",
      "namespaces,deployments,services,configmaps",
      "-A",
      "-l",
      `${SET_LABEL}=${set}`,
      "--kubeconfig",
      kubeconfig,
      "-o",
      'jsonpath={range .items[*]}{.kind}/{.metadata.namespace}/{.metadata.name} {.metadata.resourceVersion}{"\\n"}{end}',
    ],
    { env },
  );
  return new Map(
    out
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" ")),
  );
}

function expectWritten(stderr, written, unchanged, what) {
  const m = /applied: (\d+) written, (\d+) unchanged/.exec(stderr);
  if (!m) throw new Error(`${what}: no "applied: N written, M unchanged" line on stderr:\n${stderr}`);
  if (Number(m[1]) !== written || Number(m[2]) !== unchanged)
    throw new Error(`${what}: ${m[0]}, expected ${written} written, ${unchanged} unchanged`);
}

function checkLivePlan(file) {
  const plan = JSON.parse(readFileSync(file, "utf8"));
  const env = plan.environments?.[0];
  const changes = env?.releases?.flatMap((r) => r.changes) ?? [];
  const problems = [];
  if (plan.environments?.length !== 1 || env.environment !== "bench")
    problems.push("expected one environment bench");
  else if (!env.valid) problems.push(`not valid: ${JSON.stringify(env.findings)}`);
  if (
    changes.length !== 1 ||
    changes[0].kind !== "ConfigMap" ||
    changes[0].name !== EDITED.name ||
    changes[0].namespace !== EDITED.namespace
  )
    problems.push(
      `changes ${JSON.stringify(changes.map((c) => `${c.action} ${c.kind} ${c.namespace}/${c.name}`))}, expected one update of ConfigMap ${EDITED.namespace}/${EDITED.name}`,
    );
  if (problems.length)
    throw new Error(`zakenak plan --live gave an unexpected plan:\n  ${problems.join("\n  ")}`);
}

/** kube-apiserver's current and peak resident memory, from /proc. */
function apiserverMemory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rssMB: kb("VmRSS") / 1024, hwmMB: kb("VmHWM") / 1024 };
}
