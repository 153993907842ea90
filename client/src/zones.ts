// Times in a delegation's own capital: the agenda's instants formatted with
// `Intl.DateTimeFormat` in an IANA zone. Pure (no DOM), unit-tested.
import type { Delegation, User } from "./api";
import type { Lang } from "./i18n";

export interface Texts {
  en: string;
  es: string | null;
}

const locale = (l: Lang) => (l === "es" ? "es" : "en-GB");
export const textIn = (x: Texts, l: Lang): string => (l === "es" && x.es ? x.es : x.en);

/** The zone to show times in: the viewer's delegation's capital, else the browser's own. */
export function viewerZone(me: User, delegations: Delegation[]): { zone: string; country: string | null } {
  const mine = delegations.find((d) => d.code === me.country);
  if (mine) return { zone: mine.time_zone, country: mine.code };
  return { zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", country: null };
}

/** "GMT-5" for a zone at an instant. */
export function zoneOffset(ms: number, zone: string): string {
  const part = new Intl.DateTimeFormat("en-GB", { timeZone: zone, timeZoneName: "shortOffset" })
    .formatToParts(new Date(ms))
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? zone;
}

/** "10:10–11:10" (or "13:15") in a zone. */
export function timeRange(start: number, end: number | null, zone: string, l: Lang): string {
  const f = new Intl.DateTimeFormat(locale(l), { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return end === null ? f.format(new Date(start)) : `${f.format(new Date(start))}–${f.format(new Date(end))}`;
}

/** "Thursday, 9 September 2021" in a zone. */
export function dayLabel(ms: number, zone: string, l: Lang): string {
  return new Intl.DateTimeFormat(locale(l), { timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric" }).format(new Date(ms));
}

