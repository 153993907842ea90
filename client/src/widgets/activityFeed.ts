// The live activity feed of a draft: what happened in the negotiation, newest on top, in
// the reader's language with times in the reader's capital. A delegation sees what concerns
// it (its own acts, proposals and alternatives of its own, and meeting-wide events:
// paragraph status, approvals, silence, adoption); chairs and the secretariat see all.
//
// Live by polling GET /api/drafts/{id}/activity?after=<cursor>: it works the same whichever
// server process answers, as they share one database. The server keeps its cursor behind
// entries younger than a few seconds and sends them again; entries are kept by id, once.
import "./activityFeed.css";
import { api } from "../api/api";
import { type Context, type Entry, type Group, groups, inSentence } from "../logic/activityText";
import { type Lang, type Meeting, type User, displayName } from "../logic/model";
import { seesAllActivity } from "../logic/permissions";
import { dayLabel, placeOf, timeRange, viewerTimeZone, zoneOffset } from "../logic/zones";
import { colourOf, countryName } from "../state/countries";
import { participant } from "../state/people";
import { lang, t } from "../state/lang";
import { clear, h } from "./dom";

/** How often the feed asks for news. */
export const POLL_MS = 2000;
/** Entries shown when the feed opens; older ones come with "Show earlier". */
const FIRST_PAGE = 40;

export interface FeedOptions {
  draftId: string;
  me: User;
  meetings: Meeting[];
  /** "OP 3" for a paragraph id (`hashes`: the entry's changes, for a paragraph they removed). */
  paragraph: (pid: string, hashes?: string[]) => string;
  /** The label of the paragraph before a paragraph ("" at the start or when unknown). */
  before?: (pid: string, hashes?: string[]) => string;
  /** "Alt 2" for an alternative, or null. */
  alternative: (pid: string, id: string) => string | null;
  /** Called when entries arrive that the reader has not seen (the panel shows a count). */
  onUnread: (n: number) => void;
}

export interface Feed {
  el: HTMLElement;
  /** The feed is on screen: what arrived counts as read. */
  shown(visible: boolean): void;
  stop(): void;
}

/** Whether the reader sees everything (chairs, secretariat) or their delegation's concerns. */
export function feedCountry(me: User): string | null {
  return seesAllActivity(me) ? null : me.country;
}

/** The entries read so far (by id, once each) and the cursors to read on from. */
class Reader {
  readonly entries = new Map<number, Entry>();
  /** Where polling reads on from; null until the first page is read. */
  #cursor: number | null = null;
  /** Where "Show earlier" reads back from; null when there is nothing earlier. */
  before: number | null = null;
  #busy = false;

  constructor(
    readonly draftId: string,
    readonly country: string | null,
  ) {}

  /** Keeps a page's entries not seen yet; returns their ids. */
  take(page: Entry[]): Set<number> {
    const fresh = new Set<number>();
    for (const e of page) {
      if (this.entries.has(e.id)) continue;
      this.entries.set(e.id, e);
      fresh.add(e.id);
    }
    return fresh;
  }

  async first(): Promise<void> {
    const page = await api.activity(this.draftId, { limit: FIRST_PAGE, country: this.country });
    this.take(page.entries);
    this.before = page.next_before;
    // Polling starts at the oldest entry shown: anything committed late below the newest
    // one still arrives (repeats are dropped by id).
    const ids = page.entries.map((e) => e.id);
    this.#cursor = ids.length === 0 ? 0 : Math.min(...ids);
  }

  async earlier(): Promise<void> {
    if (this.before === null) return;
    const page = await api.activity(this.draftId, { limit: FIRST_PAGE, before: this.before, country: this.country });
    this.take(page.entries);
    this.before = page.next_before;
  }

  /** Reads what is new, in up to 5 rounds of 200; `onFresh` after each round that brought some. */
  async newer(onFresh: (fresh: Set<number>) => void): Promise<void> {
    if (this.#busy || this.#cursor === null) return;
    this.#busy = true;
    try {
      for (let round = 0; round < 5; round++) {
        const cursor: number = this.#cursor;
        const page = await api.activity(this.draftId, { after: cursor, limit: 200, country: this.country });
        const fresh = this.take(page.entries);
        if (fresh.size > 0) onFresh(fresh);
        const moved = page.next_after !== null && page.next_after !== cursor;
        if (page.next_after !== null) this.#cursor = page.next_after;
        if (!moved || page.entries.length < 200) break;
      }
    } catch {
      // Offline for a moment: the next poll catches up from the same cursor.
    } finally {
      this.#busy = false;
    }
  }
}

/** Times in the reader's capital: "30 Nov, 18:00" and the hour alone. */
function clocks(zone: string, l: Lang): { time: (ms: number) => string; clock: (ms: number) => string } {
  return {
    time: (ms) => new Intl.DateTimeFormat(l === "es" ? "es" : "en-GB", { timeZone: zone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(ms)),
    clock: (ms) => timeRange(ms, null, zone, l),
  };
}

/** Draws the feed's items, newest first, under a heading per day in the reader's capital;
 * returns how many are newer than `readUpTo`. */
function paintItems(list: HTMLElement, all: Group[], fresh: Set<number>, readUpTo: number, zone: string, l: Lang): number {
  const { time, clock } = clocks(zone, l);
  clear(list);
  let day = "";
  let newItems = 0;
  for (const g of all) {
    const e = g.newest;
    const named = dayLabel(e.at, zone, l);
    const thisDay = named.charAt(0).toUpperCase() + named.slice(1);
    if (thisDay !== day) list.append(h("li", { class: "feed-day", role: "presentation" }, thisDay));
    day = thisDay;
    const isFresh = g.ids.some((id) => fresh.has(id));
    list.append(h("li", { class: `feed-item tone-${g.lines[0].tone}${isFresh ? " fresh" : ""}`, "data-testid": "activity-item", "data-action": e.action, "data-id": String(e.id) },
      h("time", { datetime: new Date(e.at).toISOString(), title: `${time(e.at)} ${zoneOffset(e.at, zone)}` }, clock(e.at)),
      e.country ? h("span", { class: "chip", style: `--c:${colourOf(e.country)}`, title: countryName(e.country, l) }, e.country) : h("span", { class: "chip none" }, "·"),
      h("div", { class: "feed-text" }, ...g.lines.map((x) => h("div", { class: `tone-${x.tone}` }, x.text)))));
    if (e.id > readUpTo) newItems++;
  }
  return newItems;
}

export function mountActivityFeed(o: FeedOptions): Feed {
  const l = lang();
  const zone = viewerTimeZone(o.me, o.meetings);
  const country = feedCountry(o.me);
  const reader = new Reader(o.draftId, country);
  let visible = false;
  let unread = 0;
  /** Entries up to this id were on screen (or there when the feed opened). */
  let readUpTo = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let stopped = false;
  const { time } = clocks(zone, l);
  const ctx: Context = {
    lang: l,
    country: (c: string) => countryName(c, l),
    countryNames: (c: string) => [countryName(c, "en"), countryName(c, "es")],
    paragraph: o.paragraph,
    before: o.before,
    person: (user: string) => {
      const p = participant(user);
      return p ? { name: displayName(p, l), presidency: p.presidency } : null;
    },
    alternative: o.alternative,
    time: (ms: number) => `${time(ms)} (${zoneOffset(ms, zone)})`,
  };

  const city = placeOf(o.me.country, zone, l);
  const list = h("ol", { class: "feed-list", "aria-live": "polite", "data-testid": "activity-list" });
  const more = h("button", { type: "button", class: "link", hidden: true, "data-testid": "activity-earlier", onclick: () => void read(() => reader.earlier()) }, t("feedEarlier"));
  const status = h("p", { class: "muted small", role: "status" });
  const el = h("div", { class: "feed", "data-testid": "activity-feed" },
    h("p", { class: "muted small feed-scope" },
      country ? t("feedScopeDelegation", { country: inSentence(countryName(country, l), l) }) : t("feedScopeAll"), " ",
      h("span", {}, t("feedTimesIn", { city, offset: zoneOffset(Date.now(), zone) }))),
    status, list, more);

  function paint(fresh: Set<number>): void {
    const newItems = paintItems(list, groups([...reader.entries.values()], ctx), fresh, readUpTo, zone, l);
    if (visible) readUpTo = Math.max(readUpTo, ...reader.entries.keys());
    else if (newItems !== unread) {
      unread = newItems;
      o.onUnread(unread);
    }
    if (list.querySelector(".feed-item") === null) status.textContent = t("feedEmpty");
    else status.textContent = "";
    more.hidden = reader.before === null;
  }

  /** Reads a page (the first, or earlier ones) and paints; says so when it cannot. */
  async function read(page: () => Promise<void>, first = false): Promise<void> {
    try {
      await page();
      if (first) readUpTo = Math.max(0, ...reader.entries.keys());
      paint(new Set());
    } catch {
      status.textContent = t("feedUnavailable");
    }
  }

  void read(() => reader.first(), true).then(() => {
    if (!stopped) timer = setInterval(() => void reader.newer(paint), POLL_MS);
  });
  return {
    el,
    shown(v: boolean) {
      visible = v;
      if (v) {
        readUpTo = Math.max(readUpTo, ...reader.entries.keys());
        if (unread > 0) {
          unread = 0;
          o.onUnread(0);
        }
      }
    },
    stop() {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}
