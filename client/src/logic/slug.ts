// File names for downloads, from titles and version names.

/** A file name from a title: letters, digits and dashes. */
export function slug(s: string): string {
  const out = s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  return out.slice(0, 40).replace(/-+$/, "") || "draft";
}
