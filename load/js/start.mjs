// Runs the unmodified @automerge/automerge-repo-sync-server, persisting to DATA_DIR (default
// .amrg) and listening on PORT (default 3030), as the package reads them. The package listens
// on every interface; this pins its listen call to 127.0.0.1 so a benchmark run exposes
// nothing.
import http from "node:http"

const listen = http.Server.prototype.listen
http.Server.prototype.listen = function (port, ...rest) {
  if (typeof port === "number" || typeof port === "string") {
    return listen.call(this, Number(port), "127.0.0.1", ...rest)
  }
  return listen.call(this, port, ...rest)
}

await import("@automerge/automerge-repo-sync-server")
