// Saves bytes as a file through the browser's download flow (a Blob URL and `<a download>`).

export function downloadBytes(
  bytes: Uint8Array<ArrayBuffer>,
  fileName: string,
  type: string,
): void {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking in the same task can cancel the download before the browser has started it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
