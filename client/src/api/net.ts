// The sync connection: the automerge-repo WebSocket protocol to `/sync?ticket=…`. Tickets
// are single use, so every (re)connect first asks for a fresh one. A refusal (`error`
// message) is kept and reported, and the adapter stops reconnecting: sending the refused
// change again would only be refused again.
import { NetworkAdapter, type Message, type PeerId, type PeerMetadata, cbor } from "@automerge/automerge-repo";
import { api } from "./api";

export type Link = "offline" | "connecting" | "online" | "refused";

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

export class TicketSocketAdapter extends NetworkAdapter {
  #socket: WebSocket | null = null;
  #ready = false;
  #readyResolve: (() => void) | null = null;
  #readyPromise = new Promise<void>((r) => (this.#readyResolve = r));
  #remote: PeerId | null = null;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;
  link: Link = "connecting";
  refusal: string | null = null;
  onLink: (l: Link) => void = () => {};

  isReady(): boolean {
    return this.#ready;
  }
  whenReady(): Promise<void> {
    return this.#readyPromise;
  }
  #markReady(): void {
    if (!this.#ready) {
      this.#ready = true;
      this.#readyResolve?.();
    }
  }
  #setLink(l: Link): void {
    this.link = l;
    this.onLink(l);
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId;
    this.peerMetadata = peerMetadata ?? {};
    window.addEventListener("offline", () => this.#drop());
    window.addEventListener("online", () => this.#open());
    // Working offline from the start must not hold up opening documents from IndexedDB.
    setTimeout(() => this.#markReady(), 1000);
    void this.#open();
  }

  async #open(): Promise<void> {
    if (this.#stopped || this.#socket || this.link === "refused") return;
    if (!navigator.onLine) {
      this.#setLink("offline");
      this.#markReady();
      return;
    }
    this.#setLink("connecting");
    let ticket: string;
    try {
      ticket = (await api.ticket()).ticket;
    } catch {
      this.#retry();
      return;
    }
    if (this.#stopped || this.#socket) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${proto}//${location.host}/sync?ticket=${encodeURIComponent(ticket)}`);
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#send({ type: "join", senderId: this.peerId!, peerMetadata: this.peerMetadata!, supportedProtocolVersions: ["1"] });
    };
    socket.onmessage = (e) => this.#receive(e.data as ArrayBuffer);
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#lost();
      if (this.link !== "refused") this.#retry();
    };
  }

  #retry(): void {
    if (this.#stopped || this.link === "refused") return;
    this.#setLink(navigator.onLine ? "connecting" : "offline");
    this.#markReady();
    const wait = RETRY_MS[Math.min(this.#attempt++, RETRY_MS.length - 1)];
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#open();
    }, wait);
  }

  #lost(): void {
    if (this.#remote) {
      this.emit("peer-disconnected", { peerId: this.#remote });
      this.#remote = null;
    }
  }

  #drop(): void {
    const s = this.#socket;
    this.#socket = null;
    if (s) {
      s.onclose = null;
      s.close();
    }
    this.#lost();
    if (this.link !== "refused") this.#setLink("offline");
  }

  #receive(data: ArrayBuffer): void {
    let message: Record<string, unknown>;
    try {
      message = cbor.decode(new Uint8Array(data)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (message.type === "peer") {
      this.#remote = message.senderId as PeerId;
      this.#markReady();
      this.#setLink("online");
      this.emit("peer-candidate", { peerId: this.#remote, peerMetadata: (message.peerMetadata ?? {}) as PeerMetadata });
    } else if (message.type === "error") {
      this.refusal = typeof message.message === "string" ? message.message : "";
      this.#setLink("refused");
    } else {
      this.emit("message", message as unknown as Message);
    }
  }

  #send(message: unknown): void {
    if (this.#socket?.readyState !== WebSocket.OPEN) return;
    const bytes = cbor.encode(message);
    this.#socket.send(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }

  send(message: Message): void {
    // automerge-repo passes on every ephemeral message it receives to its other peers, with
    // the original sender's id. The server is the only peer and already relayed it to
    // everyone, and it refuses messages in another peer's name: send only our own.
    if (message.type === "ephemeral" && message.senderId !== this.peerId) return;
    // While offline the repo keeps the change locally (IndexedDB) and syncs on reconnect.
    this.#send(message);
  }

  disconnect(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#drop();
  }
}
