// A fresh client opens the draft (config.url, config.docUrl) and prints its paragraphs,
// marks and heads as one JSON line.
import * as A from "@automerge/automerge";
import { config, connect, describe } from "./common.mjs";

const { repo } = await connect(config.url);
const handle = await repo.find(config.docUrl);
const out = { heads: handle.heads(), paragraphs: describe(A, handle.doc()) };
await repo.shutdown();
console.log(JSON.stringify(out));
process.exit(0);
