// Shared helpers of the interop scripts: unmodified automerge-repo 2.5 clients.
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

export const config = JSON.parse(process.env.PLUMA_INTEROP ?? "{}");

export function fail(message) {
  console.error(`interop: ${message}`);
  process.exit(1);
}

// A hung script must fail the Rust test, not stall it.
setTimeout(() => fail("timed out"), config.timeoutMs ?? 60000).unref();

// A new client with its own WebSocket, as a browser tab would have.
export async function connect(url) {
  const repo = new Repo({ network: [new WebSocketClientAdapter(url)] });
  await repo.networkSubsystem.whenReady();
  const server = repo.peers[0];
  if (!server) fail("no server peer after connecting");
  const storageId = repo.getStorageIdOfPeer(server);
  if (!storageId) fail("the server announced no storage id");
  return { repo, storageId };
}

export async function until(what, predicate, ms = 20000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) fail(`waited too long for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));

// True once the server has advertised exactly this handle's heads.
export function reachedServer(handle, storageId) {
  const info = handle.getSyncInfo(storageId);
  return info !== undefined && sameSet(info.lastHeads, handle.heads());
}

export function sameHeads(a, b) {
  return sameSet(a.heads(), b.heads());
}

// The paragraphs of a draft with their texts and marks, in reading order.
export function describe(A, doc) {
  return doc.order.map((id) => {
    const p = doc.paragraphs[id];
    const out = { id, kind: p.kind };
    for (const lang of ["en", "es"]) {
      out[lang] = p.text[lang].toString();
      out[`marks_${lang}`] = A.marks(doc, ["paragraphs", id, "text", lang]);
    }
    return out;
  });
}
