// The ProseMirror schema of a paragraph's text, and its conversion from automerge spans
// (@automerge/prosemirror): plain paragraphs with bold and italic, and one mark type per
// proposing country and kind (`ins_MX`, `del_AR`) drawn in the country's colour.
import { SchemaAdapter } from "@automerge/prosemirror";
import type { Mark } from "prosemirror-model";
import { colourOf } from "../../state/countries";

export function buildAdapter(countries: string[]): SchemaAdapter {
  const marks: Record<string, object> = {
    strong: { toDOM: () => ["strong", 0], automerge: { markName: "strong" } },
    em: { toDOM: () => ["em", 0], automerge: { markName: "em" } },
  };
  for (const c of countries) {
    for (const kind of ["ins", "del"] as const) {
      marks[`${kind}_${c}`] = {
        attrs: { value: { default: "" } },
        inclusive: false,
        excludes: "",
        toDOM: (m: Mark) => {
          let id = "";
          try {
            id = (JSON.parse(m.attrs.value as string) as { id: string }).id;
          } catch {
            // Leave the id out of a value that is not ours.
          }
          return [kind, { class: `sg sg-${kind}`, "data-country": c, "data-sid": id, style: `--c:${colourOf(c)}` }, 0];
        },
        automerge: {
          markName: `${kind}:${c}`,
          parsers: { fromAutomerge: (v: unknown) => ({ value: String(v) }), fromProsemirror: (m: Mark) => m.attrs.value as string },
        },
      };
    }
  }
  return new SchemaAdapter({
    nodes: {
      doc: { content: "block+" },
      paragraph: { automerge: { block: "paragraph" }, content: "text*", group: "block", toDOM: () => ["p", 0] },
      unknownBlock: { automerge: { unknownBlock: true }, group: "block", content: "block+", toDOM: () => ["div", 0] },
      text: {},
    },
    marks,
  } as never);
}
