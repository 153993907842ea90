// Two delegations (config.a, config.b) open the same draft through the Pluma server and
// propose insertions concurrently, each marked ins:<their country>:<actor>; they converge through
// the server. Prints one JSON line: the converged paragraphs, heads and actor ids.
import * as A from "@automerge/automerge";
import { config, connect, describe, fail, reachedServer, sameHeads, until } from "./common.mjs";

const [ca, cb] = await Promise.all([connect(config.a.url), connect(config.b.url)]);
const [ha, hb] = await Promise.all([ca.repo.find(config.docUrl), cb.repo.find(config.docUrl)]);

const pid = ha.doc().order[1];
const textPath = (lang) => ["paragraphs", pid, "text", lang];
// A proposal's id names its delegation (s<16 hex>-<country>), as the rules require.
const randomId = (country) => "s" + Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join("") + "-" + country;

// Inserts `text` at the position of `before` (or before the final period) and marks it as
// the delegation's proposal, as the Pluma client does.
function propose(handle, who, lang, text, where) {
  const actor = A.getActorId(handle.doc());
  handle.change((d) => {
    const current = d.paragraphs[pid].text[lang].toString();
    const pos = where(current);
    A.splice(d, textPath(lang), pos, 0, text);
    const value = JSON.stringify({ id: randomId(who.country), user: who.user, at: Date.now(), actor });
    A.mark(d, textPath(lang), { start: pos, end: pos + text.length, expand: "none" }, `ins:${who.country}:${actor}`, value);
  });
}

const beforePeriod = (s) => s.length - 1;
const after = (word) => (s) => {
  const i = s.indexOf(word);
  if (i < 0) fail(`"${word}" not in "${s}"`);
  return i + word.length;
};

// Both edit before either hears of the other: the server sees concurrent changes.
propose(ha, config.a, "en", " in 2022", beforePeriod);
propose(hb, config.b, "en", " regularly", after("meet"));
propose(ha, config.a, "es", " en 2022", beforePeriod);
propose(hb, config.b, "es", " periódicamente", after("reunirse"));

// Presence goes through the server to the other peer, and is not stored.
let cursor = null;
hb.on("ephemeral-message", ({ message }) => {
  cursor = message;
});
await until("both replicas to converge", () => sameHeads(ha, hb) && ha.doc().paragraphs[pid].text.en.includes("regularly") && hb.doc().paragraphs[pid].text.en.includes("2022"));
ha.broadcast({ cursor: { paragraph: pid, lang: "en", pos: 3 } });
await until("the cursor to be relayed", () => cursor !== null);
await until("the server to advertise both heads", () => reachedServer(ha, ca.storageId) && reachedServer(hb, cb.storageId));

const docA = ha.doc();
const out = {
  heads: ha.heads(),
  paragraphs: describe(A, docA),
  actors: { a: A.getActorId(docA), b: A.getActorId(hb.doc()) },
  cursor,
  identical: JSON.stringify(describe(A, hb.doc())) === JSON.stringify(describe(A, docA)),
};
await Promise.all([ca.repo.shutdown(), cb.repo.shutdown()]);
console.log(JSON.stringify(out));
process.exit(0);
