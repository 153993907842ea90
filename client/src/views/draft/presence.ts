// Who is here: each client announces itself (and its caret, widgets/cursors.ts) as an
// automerge-repo ephemeral message; the toolbar shows the delegations present, and the
// names heard are remembered for proposal cards and comments.
import type { DocHandle } from "@automerge/automerge-repo";
import { displayName, inLang } from "../../logic/model";
import { colourOf, countryName } from "../../state/countries";
import { rememberName } from "../../state/repo";
import { RemoteCursors } from "../../widgets/cursors";
import { t } from "../../state/lang";
import { clear, h } from "../../widgets/dom";
import type { DraftContext } from "./context";

/** Someone not heard from for this long has left. */
const GONE_MS = 30000;
/** How often this client says it is still here. */
const ANNOUNCE_MS = 10000;

export interface Presence {
  el: HTMLElement;
  cursors: RemoteCursors;
  destroy(): void;
}

export function mountPresence(ctx: DraftContext): Presence {
  const { handle, me, l } = ctx;
  const el = h("div", { class: "presence", role: "group", "aria-label": t("presence") });
  const here = new Map<string, { name: string; country: string; seen: number }>();
  const announce = () => handle.broadcast({ presence: { user: me.id, name: me.display_name, name_es: me.display_name_es ?? null, country: me.country ?? "" } });
  const cursors = new RemoteCursors(handle as unknown as DocHandle<unknown>, { user: me.id, name: me.display_name, country: me.country ?? "" });

  function paint(): void {
    clear(el);
    const now = Date.now();
    for (const [u, p] of here) if (now - p.seen > GONE_MS) here.delete(u);
    const countries = new Set([me.country ?? "", ...[...here.values()].map((p) => p.country)].filter(Boolean));
    for (const c of countries) el.append(h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: countryName(c, l) }, c));
  }

  const onEphemeral = ({ message }: { message: unknown }) => {
    if (cursors.receive(message)) return;
    const p = (message as { presence?: { user: string; name: string; name_es?: string | null; country: string } }).presence;
    if (!p || typeof p.user !== "string") return;
    const fresh = !here.has(p.user);
    const name = inLang(String(p.name), typeof p.name_es === "string" ? p.name_es : null, l);
    here.set(p.user, { name, country: String(p.country), seen: Date.now() });
    rememberName(p.user, name, true);
    if (fresh) {
      announce();
      cursors.resend();
    }
    paint();
  };
  handle.on("ephemeral-message", onEphemeral as never);
  rememberName(me.id, displayName(me, l), false);
  const timer = setInterval(() => {
    announce();
    paint();
  }, ANNOUNCE_MS);
  announce();
  paint();
  return {
    el,
    cursors,
    destroy: () => {
      clearInterval(timer);
      handle.off("ephemeral-message", onEphemeral as never);
      cursors.destroy();
    },
  };
}
