// The embedding models on this device, as a restore needs them to tell whether a backup's
// semantic index fits: which are installed and complete, their dimensions, the user's choice and
// the one Hearth would pick (the memory worker decides the same way, memory-service.ts).
import { listInstalledModels, readSetting } from '../db/models-repo';
import { preferredEmbeddingModel } from '../llm/transformers/embedding-catalog';
import { modelRole } from '../llm/types';
import { chosenModelSetting, type EmbeddingHere } from './index-plan';

export async function embeddingHere(): Promise<EmbeddingHere> {
  const installed = (await listInstalledModels()).filter(
    (m) => m.complete && modelRole(m.spec) === 'embedding',
  );
  const models = new Map<string, number>();
  for (const model of installed)
    if (model.spec.engine === 'transformers' && model.spec.embedding)
      models.set(model.key, model.spec.embedding.dimensions);
  const chosen = await readSetting<string | null>(chosenModelSetting, null);
  return { models, chosen, preferred: preferredEmbeddingModel(installed) };
}
