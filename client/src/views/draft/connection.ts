// The connection state in the toolbar (offline, connecting, syncing, everything saved to the
// server) and, when the server refused a change, the notice that offers to reload the
// draft from the server's copy.
import type { AutomergeUrl, Repo, StorageId } from "@automerge/automerge-repo";
import type { TicketSocketAdapter } from "../../api/net";
import { type Key, t } from "../../state/lang";
import { clear, h } from "../../widgets/dom";
import type { DraftContext } from "./context";

export interface Connection {
  el: HTMLElement;
  refusalEl: HTMLElement;
  paint(): void;
  destroy(): void;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function mountConnection(ctx: DraftContext, repo: Repo, net: TicketSocketAdapter, url: AutomergeUrl): Connection {
  const { handle } = ctx;
  const el = h("div", { class: "conn", role: "status", "aria-live": "polite", "data-testid": "connection" });
  const refusalEl = h("div", { class: "refusal", role: "alert", hidden: true });
  let storageId: StorageId | undefined;

  function state(): { key: Key; cls: string } {
    if (net.link === "refused") return { key: "conn_refused", cls: "bad" };
    if (net.link === "offline") return { key: "conn_offline", cls: "off" };
    if (net.link === "connecting") return { key: "conn_connecting", cls: "off" };
    const peer = repo.peers[0];
    storageId = peer ? repo.getStorageIdOfPeer(peer) : undefined;
    const synced = storageId ? handle.getSyncInfo(storageId) : undefined;
    if (synced && sameSet(synced.lastHeads, handle.heads())) return { key: "conn_saved", cls: "ok" };
    return { key: "conn_syncing", cls: "busy" };
  }

  function paint(): void {
    const s = state();
    el.className = `conn ${s.cls}`;
    el.dataset.state = s.key.replace("conn_", "");
    el.textContent = t(s.key);
    if (net.link === "refused") {
      refusalEl.hidden = false;
      clear(refusalEl);
      refusalEl.append(
        h("p", {}, t("refused", { reason: net.refusal ?? "" })),
        h("button", { type: "button", onclick: async () => {
          repo.delete(url);
          location.reload();
        } }, t("reload")),
      );
    }
  }

  const timer = setInterval(paint, 250);
  return { el, refusalEl, paint, destroy: () => clearInterval(timer) };
}
