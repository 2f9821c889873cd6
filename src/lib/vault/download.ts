// Saves a file through the browser's download flow (a Blob URL and `<a download>`).

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking in the same task can cancel the download before the browser has started it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
