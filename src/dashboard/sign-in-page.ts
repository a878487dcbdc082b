import { html } from "./html.js";

/** The sign-in form (for a token), or where to sign in instead when only a proxy header is accepted. */
export function signInPage(opts: { tokenAccepted: boolean; error?: string }): string {
  const form = opts.tokenAccepted
    ? html`<form method="post" action="/dashboard/login">
<label>Dashboard token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form>`
    : html`<p>Sign in through the authenticating proxy in front of Zakenak.</p>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Zakenak</title>
<link rel="stylesheet" href="/dashboard/style.css">
<link rel="icon" href="/dashboard/icon.svg">
</head><body><div class="signin"><h1>Zakenak dashboard</h1>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ""}
${form}</div></body></html>
`.text;
}
