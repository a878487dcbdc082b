/**
 * Shows control characters as `\xNN`, so text from the plan (a ConfigMap diff may hold anything) can
 * neither drive the terminal nor sneak escape codes into uncoloured output. Tabs stay as they are.
 */
export function escapeControl(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    out +=
      (code < 0x20 && char !== "\t") || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : char;
  }
  return out;
}
