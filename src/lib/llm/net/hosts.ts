// The hosts a model download may contact. vite.config.ts builds the CSP's connect-src from the
// same list (plus HEARTH_MODEL_MIRRORS), so the policy and the code cannot drift apart.

/** The Hugging Face hub and web-llm's model-library host, as request origins. */
export const hubOrigins = ['https://huggingface.co', 'https://raw.githubusercontent.com'];

/**
 * Where the hub redirects large files (LFS and Xet storage); a CSP host wildcard matches any
 * depth of subdomain.
 */
export const hubRedirectSources = ['https://*.huggingface.co', 'https://*.hf.co'];

export const HUB_ORIGIN = 'https://huggingface.co';

/**
 * Imported models are stored under hub-shaped URLs in `<hub>/imported/<slug>/…` so the libraries'
 * own caches find them; the model fetch never sends such a URL to the network.
 */
export const IMPORTED_NAMESPACE = 'imported';
