// The interface language the reader chose (kept in localStorage), and the words in it.
import type { Lang } from "../logic/model";
import { type Key, type Params, translate } from "../logic/words";
import { inZone } from "../logic/zones";

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

// One clock: every time shown in the viewer's capital's time, with the zone named ("7 Dec
// 2026, 18:05 GMT-5"), set once the page knows the viewer's delegation (the browser's
// zone until then).
let clockZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

/** Shows every time from now on in `zone` (the viewer's capital's). */
export function setClock(zone: string): void {
  clockZone = zone;
}

/** The zone every time is shown in. */
export function clock(): string {
  return clockZone;
}

/** A time in the viewer's capital, in the interface's language, with its zone. */
export function formatTime(ms: number): string {
  return inZone(ms, clockZone, current);
}
