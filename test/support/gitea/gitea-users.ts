import { randomBytes } from "node:crypto";
import type { GiteaClient } from "./gitea-client.js";

/** The parts of Gitea's user the tests use, with the secrets only its creator knows. */
export interface GiteaUser {
  id: number;
  username: string;
  password: string;
  email: string;
  /** An access token of this user with scope "all". */
  token: string;
}

/** Users of a test Gitea; creating them needs an admin's client. */
export class GiteaUsers {
  constructor(private readonly client: GiteaClient) {}

  /** A user with a known password and an access token of their own. */
  async create({
    username = `user-${randomBytes(4).toString("hex")}`,
    password = randomBytes(18).toString("base64url"),
    email = `${username}@example.com`,
    admin = false,
  }: {
    username?: string;
    password?: string;
    email?: string;
    admin?: boolean;
  } = {}): Promise<GiteaUser> {
    const created = await this.client.json<{ id: number }>("POST", "admin/users", {
      username,
      email,
      password,
      // Defaults to true for users an admin creates, which would block the API for them.
      must_change_password: false,
      send_notify: false,
    });
    const user = encodeURIComponent(username);
    if (admin) await this.client.json("PATCH", `admin/users/${user}`, { admin: true, login_name: username });
    // Tokens can only be made with a password (basic auth), so the user makes their own.
    const response = await this.client.request("POST", `users/${user}/tokens`, {
      auth: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`,
      body: { name: `zakenak-${randomBytes(4).toString("hex")}`, scopes: ["all"] },
      expect: [201],
    });
    const { sha1 } = (await response.json()) as { sha1: string };
    return { id: created.id, username, password, email, token: sha1 };
  }
}
