// What the Search view's index status line says, read by the scale benches.

/** Waits until the keyword index holds `notes` notes, is not indexing, and has saved its snapshot. */
export async function waitIndexedAndSaved(page, notes) {
  await page.waitForFunction(
    (prefix) => {
      const el = document.querySelector('[data-testid=search-index-status]');
      const text = (el?.textContent ?? '').trim();
      return el?.dataset.snapshot === 'saved' && text.startsWith(prefix) && !/indexing/.test(text);
    },
    `Index: ${notes.toLocaleString('en-US')} notes`,
    { timeout: 3_600_000, polling: 500 },
  );
}
