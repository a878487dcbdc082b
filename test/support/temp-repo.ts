import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface TempRepo {
  dir: string;
  /** Writes files (path → content) relative to the repository root. */
  write(files: Record<string, string>): void;
  remove(path: string): void;
  /** Commits everything and returns the new sha. */
  commit(message: string): string;
  git(...args: string[]): string;
  cleanup(): void;
}

/** A throw-away git repository with a `main` branch, for tests that plan real revisions. */
export function tempRepo(files: Record<string, string> = {}): TempRepo {
  const dir = mkdtempSync(join(tmpdir(), "zakenak-test-repo-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], {
      encoding: "utf8",
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Test",
        GIT_AUTHOR_EMAIL: "test@example.com",
        GIT_COMMITTER_NAME: "Test",
        GIT_COMMITTER_EMAIL: "test@example.com",
      },
    });
  git("init", "-q", "-b", "main");
  const repo: TempRepo = {
    dir,
    write(more) {
      for (const [path, content] of Object.entries(more)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    },
    remove(path) {
      rmSync(join(dir, path), { recursive: true, force: true });
    },
    commit(message) {
      git("add", "-A");
      git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD").trim();
    },
    git,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  repo.write(files);
  return repo;
}

/** A minimal Helm chart (Deployment + Service + ConfigMap) whose output follows its values. */
export function chartFiles(root: string, name = "app"): Record<string, string> {
  return {
    [`${root}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
    [`${root}/values.yaml`]: "replicas: 1\nimage: nginx:1.27.0\ngreeting: hello\n",
    [`${root}/templates/deployment.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app: {{ .Release.Name }} }
  template:
    metadata:
      labels: { app: {{ .Release.Name }} }
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
          resources:
            limits: { cpu: 100m, memory: 64Mi }
`,
    [`${root}/templates/service.yaml`]: `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector: { app: {{ .Release.Name }} }
  ports: [{ port: 80 }]
`,
    [`${root}/templates/configmap.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ .Values.greeting | quote }}
`,
  };
}
