import type { Permission } from "../../config/schema.js";
import type { HostCall } from "../shared/host-error.js";
import type { AzureDevOpsApi } from "./azure-devops-api.js";

interface TeamMember {
  identity: { id: string; uniqueName?: string };
  isTeamAdmin?: boolean;
}

const PAGE = 100;

/**
 * A commenter's permission from membership of the writers team (AZURE_DEVOPS_WRITERS_GROUP) of the
 * repository's project: a direct member has write, a team administrator maintain, anyone else read —
 * Azure DevOps lets only readers of a repository comment on its pull requests. Members are matched by
 * account name (`uniqueName`), as comment events name their author; a group nested in the team does not
 * count. Without a writers team nobody gets more than read.
 */
export async function azureDevOpsPermission(
  api: AzureDevOpsApi,
  call: HostCall,
  project: string,
  team: string | undefined,
  user: string,
): Promise<Permission> {
  if (!team) return "read";
  const wanted = user.toLowerCase();
  const path = `_apis/projects/${encodeURIComponent(project)}/teams/${encodeURIComponent(team)}/members`;
  for (let skip = 0; ; skip += PAGE) {
    const page = await api.json<{ value: TeamMember[] }>(call, path, {
      query: { $top: PAGE, $skip: skip },
      preview: "-preview",
    });
    const member = page.value.find((m) => m.identity.uniqueName?.toLowerCase() === wanted);
    if (member) return member.isTeamAdmin ? "maintain" : "write";
    if (page.value.length < PAGE) return "read";
  }
}
