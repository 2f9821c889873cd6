// What a sanitizer test looks for: everything in rendered HTML that could run code, load from
// elsewhere or navigate to script. Shared by the chat and note rendering tests (jsdom's DOMParser).

/** Everything in rendered HTML that could run code, load remotely or navigate to script. */
export function dangers(html: string): string[] {
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const found: string[] = [];
  for (const element of doc.body.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    if (
      [
        'script',
        'iframe',
        'object',
        'embed',
        'style',
        'form',
        'meta',
        'base',
        'svg',
        'math',
        'button',
        'textarea',
        'select',
      ].includes(tag)
    )
      found.push(`<${tag}>`);
    // The one form control allowed: a task list's box, which nobody can type into or submit.
    if (
      tag === 'input' &&
      !(element.getAttribute('type') === 'checkbox' && element.hasAttribute('disabled'))
    )
      found.push('<input>');
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value.replace(/[\s\p{Cc}]/gu, '').toLowerCase();
      if (name.startsWith('on')) found.push(`${tag}[${name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(name)) {
        if (/^(javascript|vbscript):/.test(value)) found.push(`${tag}[${name}=${value}]`);
        if (
          /^data:/.test(value) &&
          // An image never runs script, SVG included (a stored SVG shows from a data: URL, whose
          // page, if opened, has an opaque origin of its own).
          !(tag === 'img' && /^data:image\/(png|jpe?g|gif|webp|svg\+xml)/.test(value))
        )
          found.push(`${tag}[${name}=data:…]`);
      }
      if (name === 'style') found.push(`${tag}[style]`);
      // Anything that would load from elsewhere on its own (links load only when followed).
      if (['src', 'srcset', 'poster'].includes(name) && /^(https?:|\/\/)/.test(value))
        found.push(`${tag}[${name}] remote`);
    }
  }
  return found;
}
