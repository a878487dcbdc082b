/**
 * The dashboard's only style sheet, served from /dashboard/style.css so the Content-Security-Policy
 * can say `style-src 'self'`. Tables scroll inside their box, so a phone never scrolls the page sideways.
 */
export const DASHBOARD_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1d2330;background:#f5f6f8}
header{display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center;padding:.6rem 1rem;background:#1d2330;color:#fff}
header a{color:#fff;text-decoration:none}
header strong{margin-right:auto}
header form{margin:0}
main{padding:1rem;max-width:72rem;margin:0 auto}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.scroll{overflow-x:auto;max-width:100%;background:#fff;border:1px solid #d8dbe2;border-radius:6px}
table{border-collapse:collapse;width:100%}
th,td{padding:.4rem .6rem;text-align:left;vertical-align:top;border-bottom:1px solid #eceef2;white-space:nowrap}
td.wrap{white-space:normal;overflow-wrap:anywhere;min-width:12rem}
th{font-weight:600;background:#fafbfc}
code{font:13px ui-monospace,monospace}
pre{margin:0;padding:.6rem;overflow-x:auto;font:13px/1.4 ui-monospace,monospace;background:#fff}
.add{color:#116329}.del{color:#a40e26}.hunk{color:#6e7781}
.status{display:inline-block;padding:0 .45rem;border-radius:9px;font-size:.85rem;background:#e7e9ee}
.ok{background:#d7f5dd}.bad{background:#fde2e1}.warn{background:#fff1c7}
.empty{color:#6e7781}
form.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.9rem;gap:.2rem}
input,select,button{font:inherit;padding:.35rem .5rem;max-width:100%}
button{cursor:pointer;border:1px solid #8b93a5;border-radius:4px;background:#fff}
.signin{max-width:22rem;margin:3rem auto;background:#fff;padding:1.2rem;border:1px solid #d8dbe2;border-radius:6px}
.signin form{display:flex;flex-direction:column;gap:.8rem}
.error{color:#a40e26}
`;

/** The tab icon: a Z on the header's colour. */
export const DASHBOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d2330"/><path d="M4 4h8L4 12h8" stroke="#fff" stroke-width="2" fill="none"/></svg>`;
