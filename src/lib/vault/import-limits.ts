// How much an import takes, in one place: the importer enforces these, and the import dialog and
// README state them. No dependencies, so the page can show them without loading the zip code.

/** The largest note (Markdown or text file) an import takes. */
export const maxFileBytes = 5 * 1024 * 1024;
/** The largest attachment (image, PDF, audio, …) an import takes. */
export const maxAttachmentBytes = 100 * 1024 * 1024;
/**
 * Zips larger than this are refused outright rather than loaded into memory: the whole archive is
 * read into the worker to list its entries (one zip at a time), then each entry reads back its own
 * bytes from the file when it is unpacked.
 */
export const maxZipBytes = 512 * 1024 * 1024;
/** The most one zip may unpack to, by what its entries declare (each is held to its declaration). */
export const maxZipUnpackedBytes = 1024 * 1024 * 1024;
/** The most entries one zip may hold (folders included): the largest real vaults hold ~10,000. */
export const maxZipEntries = 100_000;
