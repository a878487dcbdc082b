import { azureDevOpsDescriptor } from "./azure-devops/azure-devops-descriptor.js";
import { bitbucketCloudDescriptor } from "./bitbucket-cloud/bitbucket-cloud-descriptor.js";
import { bitbucketServerDescriptor } from "./bitbucket-server/bitbucket-server-descriptor.js";
import { giteaDescriptor } from "./gitea/gitea-descriptor.js";
import { githubDescriptor } from "./github/github-descriptor.js";
import { gitlabDescriptor } from "./gitlab/gitlab-descriptor.js";
import type { HostDescriptor } from "./host-descriptor.js";

// In the order messages name the hosts.
const DESCRIPTORS = [
  githubDescriptor,
  gitlabDescriptor,
  giteaDescriptor,
  bitbucketServerDescriptor,
  bitbucketCloudDescriptor,
  azureDevOpsDescriptor,
] as const;

/** Every Git host this build speaks to. A new host is its folder under src/hosts/ plus one entry here. */
export const HOSTS: readonly HostDescriptor[] = DESCRIPTORS;

/** The settings of each enabled host, by kind, as `loadEnvConfig` reads them. */
export type HostSettings = {
  [D in (typeof DESCRIPTORS)[number] as D["kind"]]?: NonNullable<ReturnType<D["readEnv"]>>;
};
