// How an imported encoder folder embeds text, from its own files: vector size and input limit
// from config.json, pooling from sentence-transformers' `1_Pooling/config.json` (mean when absent,
// the common case), and the query/passage prefixes of the two families known to need them.
import { ModelImportError } from '../../errors';
import type { EmbeddingSpec } from '../types';
import { parseJson } from './import-validate';

/** BERT-style position tables hold 512 positions (RoBERTa's 514 include two reserved ones). */
const MAX_EMBED_TOKENS = 512;

const BGE_ENGLISH_QUERY_PREFIX = 'Represent this sentence for searching relevant passages: ';

function prefixesFor(names: string): Pick<EmbeddingSpec, 'queryPrefix' | 'passagePrefix'> {
  if (/(^|[^a-z])e5([^a-z]|$)/i.test(names))
    return { queryPrefix: 'query: ', passagePrefix: 'passage: ' };
  if (/bge-(small|base|large)-en/i.test(names))
    return { queryPrefix: BGE_ENGLISH_QUERY_PREFIX, passagePrefix: '' };
  return { queryPrefix: '', passagePrefix: '' };
}

/**
 * The embedding spec of an imported encoder. `names` are the folder name and whatever else names
 * the model (config's `_name_or_path`); only they reveal the e5 and BGE prefix conventions.
 */
export function embeddingSpecFromFiles(
  configText: string,
  poolingText: string | null,
  folderName: string | null,
): EmbeddingSpec {
  const config = parseJson('config.json', configText);
  // DistilBERT calls its width `dim`.
  const dimensions = config.hidden_size ?? config.dim;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions <= 0)
    throw new ModelImportError(
      '“config.json” has no “hidden_size”: the size of the embedding vectors is unknown.',
    );
  const positions = config.max_position_embeddings;
  const maxTokens =
    typeof positions === 'number' && positions > 0
      ? Math.min(positions, MAX_EMBED_TOKENS)
      : MAX_EMBED_TOKENS;
  const pooling =
    poolingText !== null &&
    parseJson('1_Pooling/config.json', poolingText).pooling_mode_cls_token === true
      ? 'cls'
      : 'mean';
  const nameOrPath = typeof config._name_or_path === 'string' ? config._name_or_path : '';
  return {
    dimensions,
    pooling,
    ...prefixesFor(`${folderName ?? ''} ${nameOrPath}`),
    maxTokens,
  };
}
