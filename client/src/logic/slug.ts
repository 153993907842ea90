// File names for downloads, from titles and version names.

/** The longest a slug runs before it is cut, at a word's end. */
const MAX = 40;

/** A file name from a title: letters, digits and dashes, at most MAX characters, cut
 * between words ("joint-communique-of-the-ii-plenary", not "…plenary-meeti"); a first
 * word longer than MAX alone is cut. */
export function slug(s: string): string {
  const out = s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
  if (out.length <= MAX) return out || "draft";
  const cut = out.slice(0, MAX + 1).lastIndexOf("-");
  return (cut > 0 ? out.slice(0, cut) : out.slice(0, MAX)) || "draft";
}
