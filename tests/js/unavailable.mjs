// A client asks for a document the server does not have: find() must reject as unavailable.
import { config, connect, fail } from "./common.mjs";

const { repo } = await connect(config.url);
try {
  await repo.find(config.docUrl);
  fail("find() resolved for a document that does not exist");
} catch (e) {
  if (!/unavailable/.test(String(e))) fail(`unexpected error: ${e}`);
}
await repo.shutdown();
console.log(JSON.stringify({ unavailable: true }));
process.exit(0);
