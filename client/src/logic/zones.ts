// Times in a delegation's own capital: the agenda's instants formatted with
// `Intl.DateTimeFormat` in an IANA zone. Pure (no DOM), unit-tested.
import delegations from "../../../data/delegations.json";
import type { Delegation, Lang, Meeting, Texts, User } from "./model";

const locale = (l: Lang) => (l === "es" ? "es" : "en-GB");
export const textIn = (x: Texts, l: Lang): string => (l === "es" && x.es ? x.es : x.en);

/** The zone to show times in: the viewer's delegation's capital, else the browser's own. */
export function viewerZone(me: User, delegations: Delegation[]): { zone: string; country: string | null } {
  const mine = delegations.find((d) => d.code === me.country);
  if (mine) return { zone: mine.time_zone, country: mine.code };
  return { zone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", country: null };
}

/** The IANA time zone of the viewer's delegation's capital in any of the meetings, else the browser's. */
export function viewerTimeZone(me: User, meetings: Meeting[]): string {
  for (const m of meetings) for (const d of m.delegations) if (d.code === me.country && d.time_zone) return d.time_zone;
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** A time in a zone, with the zone's name: "30 Nov 2021, 18:00 GMT-5". */
export function inZone(ms: number, zone: string, l: Lang): string {
  try {
    return new Intl.DateTimeFormat(l === "es" ? "es" : "en-GB", {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
      timeZoneName: "short",
    }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
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


/** Minutes a zone is ahead of UTC at an instant (-300 for GMT-5). */
export function offsetMinutes(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
    .formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
}

/**
 * The instant a wall-clock time ("2021-11-30T18:00", as a `datetime-local` input gives it)
 * names in `zone`, whatever zone the browser runs in; NaN when the text is not such a time.
 * A time skipped by a daylight-saving jump lands just after it.
 */
export function wallTimeIn(value: string, zone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return NaN;
  const [y, mo, d, hh, mi, ss] = m.slice(1).map((x) => Number(x ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, hh, mi, ss);
  let ms = asUtc - offsetMinutes(asUtc, zone) * 60000;
  // The offset at the guessed instant may differ (a DST change in between): once more.
  ms = asUtc - offsetMinutes(ms, zone) * 60000;
  return ms;
}

/** The `datetime-local` value ("2021-11-30T18:00") of an instant's wall time in `zone`. */
export function wallTimeOf(ms: number, zone: string): string {
  const local = new Date(ms + offsetMinutes(ms, zone) * 60000).toISOString();
  return local.slice(0, 16);
}

/**
 * The capitals of the member states, whose time each delegation reads (data/delegations.json).
 * The IANA zone's city is not always the capital (America/New_York for Washington,
 * America/Guayaquil for Quito, America/Sao_Paulo for Brasília), and diplomats speak of their
 * capital's time.
 */
const CAPITALS: Record<string, [en: string, es: string]> = Object.fromEntries(
  [...delegations.rcm, ...delegations.sacm].map((d) => [d.code, [d.capital_en, d.capital_es]]),
);

/** The place whose time `zone` is, for people: the delegation's capital, else the zone's city. */
export function placeOf(country: string | null, zone: string, l: Lang): string {
  const capital = country ? CAPITALS[country] : undefined;
  if (capital) return l === "es" ? capital[1] : capital[0];
  return (zone.split("/").pop() ?? zone).replace(/_/g, " ");
}
