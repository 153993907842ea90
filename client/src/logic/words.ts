// The interface's words (the table in words/en.ts and words/es.ts) in a given language,
// with `{name}` placeholders filled in. Pure: the current language is the state layer's
// (state/lang.ts), which calls this.
import type { Lang } from "./model";
import { type Key, en } from "./words/en";
import { es } from "./words/es";

export type { Key };

/** Values for a word's `{name}` placeholders. */
export type Params = Record<string, string | number>;

/** The word `key` in `lang`; a placeholder without a value stays as it is. */
export function translate(lang: Lang, key: Key, params: Params = {}): string {
  const table: Record<Key, string> = lang === "es" ? es : en;
  return table[key].replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

/** Whether `key` is a word of the table (for keys made from data, such as `status_${s}`). */
export function isKey(key: string): key is Key {
  return Object.hasOwn(en, key);
}
