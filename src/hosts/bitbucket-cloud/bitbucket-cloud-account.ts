/** An account as Bitbucket Cloud's payloads and API give it; usernames are gone since the GDPR change. */
export interface BitbucketAccount {
  account_id?: string | null;
  uuid?: string | null;
  nickname?: string | null;
  type?: string | null;
}

const UUID = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/i;
const SAFE = /^\{[A-Za-z0-9:_-]+\}$/;

/**
 * How the bot names an account: `{account_id}` (or the `{uuid}` of an account without one). Written
 * after `@`, it is Bitbucket's own mention syntax, so replies mention the commenter; it is also what the
 * permission lookup and the bot's own-comment check compare.
 */
export function accountName(account: BitbucketAccount): string {
  if (account.account_id) return `{${account.account_id}}`;
  return account.uuid ?? "";
}

/** Whether `account` is the one `name` (from accountName) stands for. */
export function isAccount(account: BitbucketAccount | null | undefined, name: string): boolean {
  if (!account || !name) return false;
  const wanted = name.toLowerCase();
  return (
    (account.account_id ? `{${account.account_id}}`.toLowerCase() === wanted : false) ||
    (account.uuid ? account.uuid.toLowerCase() === wanted : false)
  );
}

/**
 * The query (BBQL) that selects `name` in a permission list; undefined for a name that is not an account
 * id or uuid, which has no permission to look up (and must not reach a query unescaped).
 */
export function accountQuery(name: string): string | undefined {
  if (UUID.test(name)) return `user.uuid="${name}"`;
  if (SAFE.test(name)) return `user.account_id="${name.slice(1, -1)}"`;
  return undefined;
}
