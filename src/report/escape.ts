/**
 * Escaping for the HTML that src/report writes: text and attribute values, JSON placed
 * inside a <script>, and whole scripts (plotly.js) inlined into a page.
 * It does not sanitise HTML that callers pass in as HTML; it only escapes values.
 */

const HTML_ESCAPES: Readonly<Record<string, string>> = Object.freeze({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
});

/** Escapes text for an HTML element body or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON that can sit inside <script>…</script>: `<`, `>`, `&` and the two line separators
 * are written as \u escapes, so no `</script>` or `<!--` can appear in it.
 * NaN and ±Infinity become null (as JSON.stringify does).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript source made safe to inline in a <script> element: `</script` and `<!--`
 * only occur inside string or regex literals in valid code, where `<\/` and `<\!` mean
 * the same characters.
 */
export function scriptSource(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}
