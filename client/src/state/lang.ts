// The interface language the reader chose (kept in localStorage), and the words in it.
import type { Lang } from "../logic/model";
import { type Key, type Params, translate } from "../logic/words";

export type { Key, Lang };

let current: Lang = (localStorage.getItem("pluma.lang") as Lang | null) ?? (navigator.language.startsWith("es") ? "es" : "en");
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  localStorage.setItem("pluma.lang", l);
  document.documentElement.lang = l;
  for (const f of listeners) f();
}

export function onLangChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

/** The word `key` in the interface language. */
export function t(key: Key, params: Params = {}): string {
  return translate(current, key, params);
}

// One formatter per language: building one per call (toLocaleString) cost more than the
// rest of a proposals-panel repaint.
const timeFormats = new Map<Lang, Intl.DateTimeFormat>();

export function formatTime(ms: number): string {
  let f = timeFormats.get(current);
  if (!f) {
    f = new Intl.DateTimeFormat(current === "es" ? "es" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
    timeFormats.set(current, f);
  }
  return f.format(new Date(ms));
}
