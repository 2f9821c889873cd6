// Escaping text for HTML that Hearth writes itself (link labels, code): one home for it.

/** Replaces the five characters that could end a text node or an attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
