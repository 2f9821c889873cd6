// A drop target for attachments: wrap the chat composer with `use:attachmentDrop`. Files and
// folders dropped on it become attachments, and the drop stops here, so the app's own drop
// handler (which imports into the vault) never sees it. While files hover over it, the element
// carries `data-dropping`, for styling.
import type { Action } from 'svelte/action';
import { droppedEntries, walkEntries } from '../vault/dropped-files';
import type { PickedFile } from './group-sources';

export interface DropHandlers {
  onFiles: (files: PickedFile[]) => unknown;
  onError: (error: unknown) => unknown;
}

const carriesFiles = (event: DragEvent): boolean =>
  event.dataTransfer?.types.includes('Files') ?? false;

export const attachmentDrop: Action<HTMLElement, DropHandlers> = (node, initial) => {
  let handlers = initial;
  const hovering = (on: boolean): void => {
    if (on) node.dataset.dropping = '';
    else delete node.dataset.dropping;
  };
  const over = (event: DragEvent): void => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.stopPropagation();
    hovering(true);
  };
  const leave = (event: DragEvent): void => {
    if (!node.contains(event.relatedTarget as Node | null)) hovering(false);
  };
  const drop = (event: DragEvent): void => {
    hovering(false);
    if (!carriesFiles(event) || !event.dataTransfer) return;
    event.preventDefault();
    event.stopPropagation();
    // The DataTransfer empties once this handler returns: take its entries now, walk them after.
    const { entries, loose } = droppedEntries(event.dataTransfer);
    const { onFiles, onError } = handlers;
    if (loose.length > 0) {
      void onFiles(loose.map((file) => ({ path: file.name, file })));
      return;
    }
    walkEntries(entries).then(
      (found) => onFiles(found.map(({ path, file }) => ({ path, file }))),
      (error: unknown) => onError(error),
    );
  };
  node.addEventListener('dragover', over);
  node.addEventListener('dragleave', leave);
  node.addEventListener('drop', drop);
  return {
    update: (next) => (handlers = next),
    destroy: () => {
      node.removeEventListener('dragover', over);
      node.removeEventListener('dragleave', leave);
      node.removeEventListener('drop', drop);
    },
  };
};
