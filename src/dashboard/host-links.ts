import type { HostKind } from "../hosts/host-event.js";
import type { HostSettings } from "../hosts/host-registry.js";

/** Web addresses of a repository's commits and pull requests on its host, when the host is known. */
export interface HostLinks {
  commit(repository: string, sha: string): string | undefined;
  pullRequest(repository: string, number: number): string | undefined;
}

interface WebBase {
  base: string;
  commit: (repo: string, sha: string) => string;
  pull: (repo: string, n: number) => string;
}

const trim = (url: string) => url.replace(/\/+$/, "");

/** The host's web root and URL shapes, from the API or instance URL the host is configured with. */
function webBase(kind: HostKind, hosts: HostSettings): WebBase | undefined {
  switch (kind) {
    case "github": {
      const api = hosts.github?.baseUrl;
      if (!api) return undefined;
      const base = api.endsWith("/api/v3") ? api.slice(0, -"/api/v3".length) : api.replace("//api.", "//");
      return { base, commit: (r, s) => `${r}/commit/${s}`, pull: (r, n) => `${r}/pull/${n}` };
    }
    case "gitea":
      return (
        hosts.gitea && {
          base: hosts.gitea.url,
          commit: (r, s) => `${r}/commit/${s}`,
          pull: (r, n) => `${r}/pulls/${n}`,
        }
      );
    case "gitlab":
      return (
        hosts.gitlab && {
          base: hosts.gitlab.url,
          commit: (r, s) => `${r}/-/commit/${s}`,
          pull: (r, n) => `${r}/-/merge_requests/${n}`,
        }
      );
    case "bitbucket": {
      const api = hosts.bitbucket?.apiUrl;
      if (!api) return undefined;
      return {
        base: api.replace(/\/2\.0\/?$/, "").replace("//api.", "//"),
        commit: (r, s) => `${r}/commits/${s}`,
        pull: (r, n) => `${r}/pull-requests/${n}`,
      };
    }
    default:
      // Bitbucket Server and Azure DevOps address repositories by project paths the name lacks.
      return undefined;
  }
}

export function hostLinks(hosts: HostSettings): (kind: HostKind | undefined) => HostLinks {
  return (kind) => {
    const web = kind ? webBase(kind, hosts) : undefined;
    const join = (path: string) => (web ? `${trim(web.base)}/${path}` : undefined);
    return {
      commit: (repo, sha) => (web && /^[0-9a-f]{7,64}$/i.test(sha) ? join(web.commit(repo, sha)) : undefined),
      pullRequest: (repo, n) => (web ? join(web.pull(repo, n)) : undefined),
    };
  };
}
