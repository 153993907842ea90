// Where the other delegations' cursors are: each client announces its caret (paragraph,
// language, and an automerge cursor, so the place survives concurrent edits) as an
// automerge-repo ephemeral message; the others draw it as a thin bar in the delegation's
// colour with its code, over the editor (never inside it, so the text and selection stay
// the editor's own).
import "./cursors.css";
import * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import type { EditorView } from "prosemirror-view";
import { colourOf, countryName } from "../state/countries";
import { lang } from "../state/lang";
import { h } from "./dom";

/** What is sent: `{ cursor: CursorMessage }`. */
export interface CursorMessage {
  user: string;
  name: string;
  country: string;
  paragraph: string;
  lang: "en" | "es";
  /** An automerge cursor in that text. */
  at: string;
}

/** A cursor not moved for this long is no longer shown. */
const STALE_MS = 60000;
/** At most one announcement per this interval while typing. */
const SEND_MS = 150;

interface Place {
  view: EditorView;
  host: HTMLElement;
  markers: HTMLElement[];
}

export class RemoteCursors {
  readonly #handle: DocHandle<unknown>;
  readonly #me: { user: string; name: string; country: string };
  readonly #cursors = new Map<string, CursorMessage & { seen: number }>();
  readonly #places = new Map<string, Place>();
  #mine: Omit<CursorMessage, "user" | "name" | "country"> | null = null;
  #sentAt = 0;
  #sendTimer: ReturnType<typeof setTimeout> | null = null;
  #frame = 0;
  readonly #onScroll = () => this.schedulePaint();

  constructor(handle: DocHandle<unknown>, me: { user: string; name: string; country: string }) {
    this.#handle = handle;
    this.#me = me;
    window.addEventListener("scroll", this.#onScroll, { passive: true });
    window.addEventListener("resize", this.#onScroll);
  }

  /** An editor of one text, drawn over in `host` (positioned). */
  attach(paragraph: string, l: "en" | "es", view: EditorView, host: HTMLElement): void {
    this.#places.set(`${paragraph}/${l}`, { view, host, markers: [] });
    this.schedulePaint();
  }

  /** Forgets one editor (its paragraph is gone or drawn again). */
  detach(paragraph: string, l: "en" | "es"): void {
    const key = `${paragraph}/${l}`;
    for (const m of this.#places.get(key)?.markers ?? []) m.remove();
    this.#places.delete(key);
  }

  /** Forgets every editor (the paragraphs are being redrawn). */
  detachAll(): void {
    for (const p of this.#places.values()) for (const m of p.markers) m.remove();
    this.#places.clear();
  }

  /** Our caret moved to character `index` of a text: tell the others (throttled). */
  announce(paragraph: string, l: "en" | "es", index: number): void {
    if (!this.#me.country) return;
    const path = ["paragraphs", paragraph, "text", l];
    let at: string;
    try {
      at = A.getCursor(this.#handle.doc() as A.Doc<unknown>, path, index);
    } catch {
      return;
    }
    this.#mine = { paragraph, lang: l, at };
    const wait = this.#sentAt + SEND_MS - Date.now();
    if (wait <= 0) this.#send();
    else if (!this.#sendTimer) this.#sendTimer = setTimeout(() => this.#send(), wait);
  }

  /** Sends our last position again (a newcomer learns where we are). */
  resend(): void {
    if (this.#mine) this.#send();
  }

  #send(): void {
    this.#sendTimer = null;
    if (!this.#mine) return;
    this.#sentAt = Date.now();
    const message: CursorMessage = { user: this.#me.user, name: this.#me.name, country: this.#me.country, ...this.#mine };
    this.#handle.broadcast({ cursor: message });
  }

  /** Takes an ephemeral message; true if it was a cursor. */
  receive(message: unknown): boolean {
    const c = (message as { cursor?: Partial<CursorMessage> } | null)?.cursor;
    if (!c || typeof c !== "object") return false;
    if (typeof c.user !== "string" || typeof c.paragraph !== "string" || typeof c.at !== "string" || typeof c.country !== "string") return true;
    if (c.user === this.#me.user) return true;
    this.#cursors.set(c.user, {
      user: c.user,
      name: String(c.name ?? ""),
      country: c.country,
      paragraph: c.paragraph,
      lang: c.lang === "es" ? "es" : "en",
      at: c.at,
      seen: Date.now(),
    });
    this.schedulePaint();
    return true;
  }

  /** Redraws on the next frame (after a change, a scroll, a new position). */
  schedulePaint(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#paint();
    });
  }

  #paint(): void {
    const now = Date.now();
    for (const [u, c] of this.#cursors) if (now - c.seen > STALE_MS) this.#cursors.delete(u);
    const doc = this.#handle.doc() as A.Doc<unknown>;
    for (const [key, place] of this.#places) {
      for (const m of place.markers.splice(0)) m.remove();
      if (!place.host.isConnected) continue;
      const [paragraph, l] = key.split("/");
      for (const c of this.#cursors.values()) {
        if (c.paragraph !== paragraph || c.lang !== l) continue;
        let index: number;
        try {
          index = A.getCursorPosition(doc, ["paragraphs", paragraph, "text", l], c.at);
        } catch {
          continue;
        }
        const size = place.view.state.doc.content.size;
        const pos = Math.max(1, Math.min(index + 1, size - 1));
        let at: { left: number; top: number; bottom: number };
        try {
          at = place.view.coordsAtPos(pos);
        } catch {
          continue;
        }
        const box = place.host.getBoundingClientRect();
        const marker = h(
          "div",
          {
            class: "remote-cursor",
            "data-country": c.country,
            "data-user": c.user,
            "data-testid": "remote-cursor",
            title: `${c.name || countryName(c.country, lang())} (${countryName(c.country, lang())})`,
            style: `--c:${colourOf(c.country)};left:${at.left - box.left}px;top:${at.top - box.top}px;height:${Math.max(12, at.bottom - at.top)}px`,
          },
          h("span", { class: "rc-label" }, c.country),
        );
        place.host.append(marker);
        place.markers.push(marker);
      }
    }
  }

  destroy(): void {
    window.removeEventListener("scroll", this.#onScroll);
    window.removeEventListener("resize", this.#onScroll);
    if (this.#sendTimer) clearTimeout(this.#sendTimer);
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.detachAll();
  }
}
