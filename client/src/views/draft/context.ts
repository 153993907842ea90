// What the parts of the draft view share: the draft, the person, the document's handle,
// the view's state, and readings of the document every part makes (outline, labels,
// proposals, what the rules read of a paragraph, people's names).
import * as A from "@automerge/automerge";
import type { DocHandle } from "@automerge/automerge-repo";
import { actorPhrase, inSentence } from "../../logic/activityText";
import { type DraftDoc, type Outline, outline } from "../../logic/draftDoc";
import { paragraphLabels } from "../../logic/labels";
import { type Lang, type Meeting, type User, displayName } from "../../logic/model";
import type { Stamp } from "../../logic/paragraphProposals";
import type { ParagraphRights } from "../../logic/permissions";
import { type Proposal, proposalsOf } from "../../logic/proposals";
import { type ThreadRange, threadRanges } from "../../logic/threads";
import { colourOf, countryName } from "../../state/countries";
import { t } from "../../state/lang";
import { participant } from "../../state/people";
import { nameOf } from "../../state/repo";
import type { Highlight } from "../../widgets/editor/bind";

/** A proposal whose counterpart in the other language its proposer is writing: their next
 * edits in that text of that paragraph take its id. */
export interface Counterpart {
  id: string;
  paragraph: string;
  lang: Lang;
}

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
  /** The counterpart being written, if any. */
  counterpart: Counterpart | null;
  /** The comment thread opened (its words highlighted in its delegation's colour). */
  activeThread: string | null;
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
  /** Every paragraph's label ("OP 3", "OP 5 bis") now, by id. */
  labels(): Map<string, string>;
  /** A paragraph's label now; for one no longer in the text, as it was last named (seen on
   * this page, or before the changes `hashes` removed it); "" when unknown. */
  labelOf(pid: string, hashes?: string[]): string;
  /** The label of the paragraph before `pid` ("" at the start or when unknown). */
  labelBefore(pid: string, hashes?: string[]): string;
  /** Every pending proposal, whole, now. */
  proposals(): Proposal[];
  /** What the permission rules read of a paragraph now (its status, its own editors). */
  rights(pid: string): ParagraphRights;
  /** The person's stamp on a proposal made now. */
  stamp(): Stamp;
  /** A person's name, or their delegation's when the directory does not name them. */
  personOf(user: string, country: string): string;
  /** Who did something, as a chair reads it: "María Pérez (Peru)", "Argentina (Presidency)". */
  actorOf(user: string, country: string): string;
  /** A notice above the text ("3 proposals accepted", or what went wrong). */
  notify(text: string, bad?: boolean): void;
  /** The commented words of one paragraph's text now, as the editor highlights them. */
  highlights(pid: string, lang: Lang): Highlight[];
}

/** Whether the screen is too narrow for two languages side by side. */
export function narrow(): boolean {
  return window.matchMedia("(max-width: 700px)").matches;
}

type Labelled = { labels: Map<string, string>; order: string[] };

/** Every paragraph's commented words, read once per heads of the document. */
function threadRangesReader(handle: DocHandle<DraftDoc>): (pid: string, lang: Lang) => ThreadRange[] {
  let ranges: { heads: string; byText: Map<string, ThreadRange[]> } | null = null;
  return (pid, lang) => {
    const doc = handle.doc();
    const heads = A.getHeads(doc).join();
    if (ranges?.heads !== heads) {
      const byText = new Map<string, ThreadRange[]>();
      const threads = (doc as unknown as { threads?: Record<string, { paragraph: unknown; lang: unknown }> }).threads ?? {};
      const texts = new Set(Object.values(threads).map((x) => `${String(x.paragraph)}/${String(x.lang)}`));
      for (const key of texts) {
        const [p, lg] = key.split("/");
        if (lg === "en" || lg === "es") byText.set(key, threadRanges(doc as never, p, lg));
      }
      ranges = { heads, byText };
    }
    return ranges.byText.get(`${pid}/${lang}`) ?? [];
  };
}

export function draftContext(o: { draftId: string; me: User; meetings: Meeting[]; handle: DocHandle<DraftDoc>; l: Lang; notify: DraftContext["notify"] }): DraftContext {
  const { handle, l } = o;
  // On a phone, one language at a time (the interface's), switched in the toolbar.
  const state: DraftState = { suggesting: true, locked: undefined, showLangs: narrow() ? [l] : ["en", "es"], counterpart: null, activeThread: null };
  // Labels of paragraphs seen on this page, kept after they leave the text; and the labels
  // of the text just before (and after) a change, read from its history once.
  const seen = new Map<string, string>();
  const historic = new Map<string, Labelled | null>();
  const labelled = (doc: A.Doc<DraftDoc>): Labelled => {
    const out = outline(doc);
    return { labels: paragraphLabels(out, l), order: out.order };
  };
  let cached: { heads: string; proposals: Proposal[] } | null = null;
  // The outline and the labels are read by many parts after every change: once per heads.
  let read: { heads: string; outline: Outline; labels: Map<string, string> } | null = null;
  const current = () => {
    const doc = handle.doc();
    const heads = A.getHeads(doc).join();
    if (read?.heads !== heads) {
      const out = outline(doc);
      read = { heads, outline: out, labels: paragraphLabels(out, l) };
      for (const [k, v] of read.labels) seen.set(k, v);
    }
    return read;
  };
  const labels = () => current().labels;
  /** The text's labels at `heads` (null when this replica lacks them). */
  const at = (heads: string[]): Labelled | null => {
    const key = heads.join();
    if (!historic.has(key)) {
      try {
        historic.set(key, labelled(A.view(handle.doc(), heads)));
      } catch {
        historic.set(key, null);
      }
    }
    return historic.get(key) ?? null;
  };
  /** The labels before and after the changes `hashes`. */
  const around = (hashes: string[]): Labelled[] => {
    const before = hashes.flatMap((h) => A.inspectChange(handle.doc(), h)?.deps ?? []);
    return [at(before), at(hashes)].filter((x): x is Labelled => x !== null);
  };

  const rangesOf = threadRangesReader(handle);
  /** A person's name in the interface's language: the directory's, else the one seen in presence. */
  const nameOfPerson = (user: string): string | undefined => {
    const p = participant(user);
    return p ? displayName(p, l) : nameOf(user);
  };

  return {
    ...o,
    state,
    highlights: (pid, lang) => rangesOf(pid, lang).map((r) => ({
      id: r.id, from: r.from, to: r.to,
      active: state.activeThread === r.id ? colourOf(r.country) : null,
      title: t("commentBy", { country: countryName(r.country, l) }),
    })),
    unlocked: () => state.locked === null,
    outline: () => current().outline,
    labels,
    labelOf: (pid, hashes) => {
      const now = labels().get(pid) ?? seen.get(pid);
      if (now) return now;
      for (const known of hashes ? around(hashes) : []) if (known.labels.has(pid)) return known.labels.get(pid) ?? "";
      return "";
    },
    labelBefore: (pid, hashes) => {
      const now = { labels: current().labels, order: current().outline.order };
      for (const known of [now, ...(hashes && !now.labels.has(pid) ? around(hashes) : [])]) {
        const i = known.order.indexOf(pid);
        if (i >= 0) return i === 0 ? "" : (known.labels.get(known.order[i - 1]) ?? "");
      }
      return "";
    },
    proposals: () => {
      const doc = handle.doc();
      const heads = A.getHeads(doc).join();
      if (cached?.heads !== heads) cached = { heads, proposals: proposalsOf(doc) };
      return cached.proposals;
    },
    rights: (pid) => {
      const p = handle.doc().paragraphs?.[pid];
      return { status: p ? (String(p.status) as ParagraphRights["status"]) : "open", editors: (p?.editors ?? []).map(String) };
    },
    stamp: () => ({ country: o.me.country ?? "", user: o.me.id, at: Date.now() }),
    personOf: (user, country) => nameOfPerson(user) ?? `${t("unknownPerson")} (${countryName(country, l)})`,
    actorOf: (user, country) => {
      const p = participant(user);
      const name = inSentence(countryName(country, l), l);
      const own = countryName(country, l);
      const phrase = actorPhrase(nameOfPerson(user) ?? null, own, p?.presidency ?? false, l, [countryName(country, "en"), countryName(country, "es")]);
      // "The United States (Presidency)", but "Jane Doe (United States)".
      return phrase.startsWith(own) ? name + phrase.slice(own.length) : phrase;
    },
  };
}
