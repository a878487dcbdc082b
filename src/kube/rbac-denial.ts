// The RBAC authorizer's wording, stable since Kubernetes 1.8:
// `User "U" cannot VERB resource "R" in API group "G" in the namespace "N"` (or `at the cluster scope`).
const DENIAL =
  /User "([^"]*)" cannot (\S+) resource "([^"]*)" in API group "([^"]*)" (?:in the namespace "([^"]*)"|at the cluster scope)/;
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/**
 * Who lacks which permission where, said plainly, from a 403 the RBAC authorizer gave: `ServiceAccount
 * zakenak-system/zakenak lacks the RBAC permission to list secrets in namespace kube-system`. Undefined
 * for any other 403 (an admission plugin's refusal), whose own message is left as it is.
 */
export function describeRbacDenial(serverMessage: string): string | undefined {
  const m = DENIAL.exec(serverMessage);
  if (!m) return undefined;
  const [, user = "", verb = "", resource = "", group = "", namespace] = m;
  const sa = SERVICE_ACCOUNT.exec(user);
  const who = sa ? `ServiceAccount ${sa[1]}/${sa[2]}` : `user "${user}"`;
  const what = group ? `${resource}.${group}` : resource;
  const where = namespace !== undefined ? `in namespace ${namespace}` : "at cluster scope";
  return `${who} lacks the RBAC permission to ${verb} ${what} ${where}`;
}
