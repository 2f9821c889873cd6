// Which origins the browser lets Hearth fetch from, read from the Content-Security-Policy the
// production build puts in a <meta> tag. The server sends the same policy as a header (which is
// what governs the model workers); the meta copy is how the page can learn it.

/** The connect-src sources of a policy, or null when the policy does not restrict fetches. */
export function connectSources(policy: string): string[] | null {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives.get('connect-src') ?? directives.get('default-src') ?? null;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** True when `url` may be fetched under `sources` (CSP source-expression rules, simplified). */
export function originAllowed(url: URL, sources: readonly string[], selfOrigin: string): boolean {
  return sources.some((source) => {
    if (source === '*') return url.protocol === 'http:' || url.protocol === 'https:';
    if (source === "'self'") return url.origin === selfOrigin;
    if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return url.protocol === source.toLowerCase();
    const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/:]+)(?::(\d+|\*))?/i.exec(source);
    if (!match) return false;
    const [, scheme, host = '', port] = match;
    if (scheme && scheme.toLowerCase() !== url.protocol.slice(0, -1)) return false;
    if (!hostMatches(host.toLowerCase(), url.hostname.toLowerCase())) return false;
    const urlPort = url.port || (url.protocol === 'https:' ? '443' : '80');
    if (port === '*') return true;
    return (port ?? (url.protocol === 'https:' ? '443' : '80')) === urlPort;
  });
}

/** The policy text of the document's CSP <meta> tags (joined), or null when there is none. */
export function documentPolicy(doc: Document): string | null {
  const metas = doc.querySelectorAll<HTMLMetaElement>(
    'meta[http-equiv="Content-Security-Policy" i]',
  );
  if (metas.length === 0) return null;
  return Array.from(metas, (m) => m.content).join(';');
}
