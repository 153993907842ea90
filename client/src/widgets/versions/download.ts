// Handing a fetched file (export, redline) to the browser as a download.

/**
 * Hands a fetched file to the browser as a download, under a name a person recognises in
 * their downloads folder (the server's own names carry ids).
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
