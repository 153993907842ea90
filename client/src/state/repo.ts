// The page's one automerge repo (IndexedDB storage, so offline edits survive a reload) and
// its sync connection, made when the first draft opens; and the names of the people seen
// in drafts (presence), kept in localStorage so proposal cards name them later too.
import { Repo } from "@automerge/automerge-repo";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { TicketSocketAdapter } from "../api/net";

let repo: Repo | null = null;
let net: TicketSocketAdapter | null = null;

export function theRepo(): { repo: Repo; net: TicketSocketAdapter } {
  if (!repo || !net) {
    net = new TicketSocketAdapter();
    repo = new Repo({ network: [net], storage: new IndexedDBStorageAdapter("pluma") });
  }
  return { repo, net };
}

const names = new Map<string, string>(JSON.parse(localStorage.getItem("pluma.names") ?? "[]") as Array<[string, string]>);

/** A person's name as last seen, if ever. */
export function nameOf(user: string): string | undefined {
  return names.get(user);
}

/** Remembers a person's name (`keep`: in localStorage too, for the next visit). */
export function rememberName(user: string, name: string, keep: boolean): void {
  names.set(user, name);
  if (keep) localStorage.setItem("pluma.names", JSON.stringify([...names]));
}
