// What the parts of the draft view share: the draft, the person, the document's handle,
// the view's state, and readings of the document every part makes (outline, labels, what
// the rules read of a paragraph, people's names).
import type { DocHandle } from "@automerge/automerge-repo";
import { type DraftDoc, type Outline, outline } from "../../logic/draftDoc";
import { paragraphLabels } from "../../logic/labels";
import type { Lang, Meeting, User } from "../../logic/model";
import type { ParagraphRights } from "../../logic/permissions";
import { countryName } from "../../state/countries";
import { t } from "../../state/lang";
import { nameOf } from "../../state/repo";

/** The view's state, changed by its controls and by the workflow panel. */
export interface DraftState {
  /** Whether a chair's or the secretariat's typing is proposed (the mode toggle); everyone
   * starts by proposing: a direct edit is a choice made with the toggle, never the default. */
  suggesting: boolean;
  /** The workflow's lock (adopted, or under silence) as the workflow panel last read it: the
   * text takes no change, so nothing offers to make one. Unknown (`undefined`) until the
   * panel's first read, and read-only meanwhile, so an adopted text never looks open. */
  locked: string | null | undefined;
  /** The languages shown side by side. */
  showLangs: Lang[];
}

export interface DraftContext {
  draftId: string;
  me: User;
  meetings: Meeting[];
  handle: DocHandle<DraftDoc>;
  /** The interface language the view was drawn in. */
  l: Lang;
  state: DraftState;
  /** Whether the text takes changes now (the lock is known and there is none). */
  unlocked(): boolean;
  /** The document's outline now. */
  outline(): Outline;
  /** Every paragraph's label ("OP 3") now, by id. */
  labels(): Map<string, string>;
  /** What the permission rules read of a paragraph now (its status, its own editors). */
  rights(pid: string): ParagraphRights;
  /** A person's name, or their delegation's when they were never seen. */
  personOf(user: string, country: string): string;
  /** A notice above the text ("3 proposals accepted", or what went wrong). */
  notify(text: string, bad?: boolean): void;
}

export function draftContext(o: { draftId: string; me: User; meetings: Meeting[]; handle: DocHandle<DraftDoc>; l: Lang; notify: DraftContext["notify"] }): DraftContext {
  const { handle, l } = o;
  const state: DraftState = { suggesting: true, locked: undefined, showLangs: ["en", "es"] };
  return {
    ...o,
    state,
    unlocked: () => state.locked === null,
    outline: () => outline(handle.doc()),
    labels: () => paragraphLabels(outline(handle.doc()), l),
    rights: (pid) => {
      const p = handle.doc().paragraphs?.[pid];
      return { status: p ? (String(p.status) as ParagraphRights["status"]) : "open", editors: (p?.editors ?? []).map(String) };
    },
    personOf: (user, country) => nameOf(user) ?? `${t("unknownPerson")} (${countryName(country, l)})`,
  };
}
