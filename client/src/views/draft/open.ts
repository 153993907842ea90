// The draft view (`#/draft/<id>`): numbered paragraphs, English and Spanish side by side,
// each an editor bound to its automerge text; the side panel (proposals, comments,
// versions, activity); the workflow panel; the connection state and who is here. This
// module loads the draft and puts the parts together: connection.ts, presence.ts,
// toolbar.ts, text.ts, proposals.ts, comments.ts, sidePanel.ts and workflow.ts, which
// share a DraftContext (context.ts).
import * as A from "@automerge/automerge";
import { type AutomergeUrl, isValidAutomergeUrl } from "@automerge/automerge-repo";
import { api } from "../../api/api";
import { type DraftDoc, outline } from "../../logic/draftDoc";
import type { DraftInfo, Meeting, User } from "../../logic/model";
import { parseMarkName } from "../../logic/suggest";
import { viewerTimeZone } from "../../logic/zones";
import { countryCodes, countryName, registerCountries } from "../../state/countries";
import { lang, setClock, t } from "../../state/lang";
import { registerDirectory } from "../../state/people";
import { theRepo } from "../../state/repo";
import { clear, h } from "../../widgets/dom";
import type { RemoteCursors } from "../../widgets/cursors";
import { buildAdapter } from "../../widgets/editor/schema";
import { errorText } from "../../widgets/errors";
import { header } from "../../widgets/header";
import { exportButton } from "../../widgets/versions/export";
import { wordReturnButton } from "../../widgets/wordReturn";
import { mountCommentButton } from "./commentButton";
import { mountComments } from "./comments";
import { mountConnection } from "./connection";
import { mountCounterpart } from "./counterpart";
import { type DraftContext, draftContext, narrow } from "./context";
import { closePopover, openPopover } from "./popover";
import { mountPresence } from "./presence";
import { mountProposals } from "./proposals";
import { type SidePanel, mountSidePanel } from "./sidePanel";
import { type Text, mountText } from "./text";
import { mountToolbar } from "./toolbar";
import { mountWorkflow } from "./workflow";

/** The page's message in place of the draft. */
function failed(shell: HTMLElement, message: string): () => void {
  clear(shell);
  shell.append(header(), h("main", { class: "page" }, h("p", { class: "error", role: "alert" }, message)));
  return () => {};
}

/** Every country with a colour and a mark type: the meetings' delegations, countries seen in
 * the document's marks, and the person's own (the secretariat is no delegation of a
 * meeting but proposes like one; a delegation keeps its country's name, not the person's). */
function registerAll(meetings: Meeting[], doc: A.Doc<DraftDoc>, me: User): void {
  for (const m of meetings) registerCountries(m.delegations);
  for (const pid of outline(doc).order) {
    for (const lg of ["en", "es"] as const) {
      for (const m of A.marks(doc, ["paragraphs", pid, "text", lg])) {
        const n = parseMarkName(m.name);
        if (n) registerCountries([{ code: n.country, name_en: n.country, name_es: n.country }]);
      }
    }
  }
  if (me.country && countryName(me.country, "en") === me.country) registerCountries([{ code: me.country, name_en: me.display_name, name_es: me.display_name }]);
}

/** The draft's record, the meetings, the people of its meeting, its document; or why not. */
async function load(draftId: string) {
  let info: DraftInfo;
  let meetings: Meeting[];
  try {
    [info, meetings] = await Promise.all([api.draft(draftId), api.meetings()]);
  } catch (e) {
    return errorText(e);
  }
  // Names for every proposal, comment and activity entry, whoever is online; without the
  // directory, names seen in presence.
  const directory = info.meeting_id ? api.directory(info.meeting_id).then(registerDirectory, () => {}) : null;
  const { repo, net } = theRepo();
  if (!isValidAutomergeUrl(info.url)) throw new Error("bad document url");
  try {
    const [handle] = await Promise.all([repo.find<DraftDoc>(info.url), directory]);
    return { info, meetings, handle, repo, net };
  } catch {
    return t("draftMissing");
  }
}

/** The notice of what just happened ("3 proposals accepted", or what went wrong): fixed
 * in the window's view, wherever the page is scrolled; a good one fades after a while. */
function notices(): { noticeEl: HTMLElement; notify: DraftContext["notify"] } {
  const noticeEl = h("div", { class: "notice", role: "status", hidden: true, "data-testid": "notice" });
  let timer: ReturnType<typeof setTimeout> | null = null;
  const notify = (text: string, bad = false) => {
    noticeEl.hidden = false;
    noticeEl.className = `notice ${bad ? "bad" : "ok"}`;
    noticeEl.textContent = text;
    if (timer) clearTimeout(timer);
    timer = bad ? null : setTimeout(() => (noticeEl.hidden = true), 8000);
  };
  noticeEl.addEventListener("click", () => (noticeEl.hidden = true));
  return { noticeEl, notify };
}

/** The sticky toolbar, its height kept in `--sticky` (CSS): a paragraph jumped to lands
 * below it, however many lines it takes. */
function stickyBar(el: HTMLElement): HTMLElement {
  const measure = () => document.documentElement.style.setProperty("--sticky", `${getComputedStyle(el).position === "sticky" ? el.offsetHeight : 0}px`);
  new ResizeObserver(measure).observe(el);
  return el;
}

/** Follows the document's changes: cursors, highlights, the text's rows, the panel; returns what stops it. */
function watch(ctx: DraftContext, text: Text, cursors: RemoteCursors, panel: SidePanel): () => void {
  // Paragraph list and statuses change rarely; the text is drawn again only when they do.
  const shape = () => JSON.stringify(ctx.outline());
  let lastShape = shape();
  // Typing and comments change no paragraph's place, kind, status or proposals.
  const outlineTouched = (patches: A.Patch[]) => patches.some((p) => p.path[0] !== "threads" && !(p.path[0] === "paragraphs" && p.path[2] === "text"));
  const onChange = ({ patches }: { patches: A.Patch[] }) => {
    cursors.schedulePaint();
    if (patches.some((p) => p.path[0] === "threads")) text.repaintHighlights();
    const s = outlineTouched(patches) ? shape() : lastShape;
    if (s !== lastShape) {
      lastShape = s;
      // After this change event: the editors' own listeners of the same event must not
      // reach views already destroyed by the update.
      setTimeout(text.update, 0);
    }
    panel.follow();
  };
  ctx.handle.on("change", onChange);
  return () => ctx.handle.off("change", onChange);
}

/** Opens a draft in `shell`; returns what closes it (timers, listeners, editors). */
export async function openDraft(shell: HTMLElement, draftId: string, me: User): Promise<() => void> {
  shell.append(header(), h("main", { class: "page" }, h("p", {}, t("loading"))));
  const loaded = await load(draftId);
  if (typeof loaded === "string") return failed(shell, loaded);
  const { info, meetings, handle, repo, net } = loaded;
  registerAll(meetings, handle.doc(), me);
  setClock(viewerTimeZone(me, meetings));

  const { noticeEl, notify } = notices();
  const ctx = draftContext({ draftId, me, meetings, handle, l: lang(), notify });
  const connection = mountConnection(ctx, repo, net, info.url as AutomergeUrl);
  const presence = mountPresence(ctx);
  const versionsCtx = { draftId, title: () => ctx.outline().title, personOf: ctx.personOf };
  const proposals = mountProposals(ctx, (p) => counterpart.start(p), (id) => showThread(id));
  // The thread opened: its words highlighted in its delegation's colour.
  const openThread = (id: string) => void ((ctx.state.activeThread = id), text.repaintHighlights());
  const comments = mountComments(ctx, (id, pid) => {
    openThread(id);
    text.reveal(pid);
  });
  const showThread = (id: string) => {
    openThread(id);
    panel.show("comments");
    comments.reveal(id);
  };
  const commentButton = mountCommentButton(ctx, () => {
    panel.show("comments");
    comments.compose();
  });
  const panel = mountSidePanel(ctx, versionsCtx, proposals, comments);
  const text = mountText(ctx, {
    adapter: buildAdapter(countryCodes()),
    who: () => ({ country: me.country ?? "", user: me.id, actor: A.getActorId(handle.doc()) }),
    cursors: presence.cursors,
    onProposalClick: (id, at) => {
      proposals.focus(id);
      const p = ctx.proposals().find((x) => x.id === id);
      const can = p ? proposals.may(p) : null;
      // Only where there is something to do with it: anyone clicking into the text to type
      // is not to be interrupted.
      if (p && can && (can.decide || can.withdraw)) openPopover(ctx, proposals, p, at, document.activeElement?.classList.contains("pp-note") ?? false);
    },
    onSelect: (s) => {
      comments.select(s);
      commentButton.select(s);
    },
    onThreadClick: (id) => showThread(id),
    onFocus: (pid, lg) => {
      counterpart.follow(pid, lg);
      toolbar.at(pid);
    },
  });
  const toolbar = mountToolbar(ctx, text.paint);
  const counterpart = mountCounterpart(ctx, (pid, lg) => {
    if (!ctx.state.showLangs.includes(lg)) {
      ctx.state.showLangs = narrow() ? [lg] : ["en", "es"];
      toolbar.paint();
      text.paint();
    }
    text.focus(pid, lg);
  });
  const workflowEl = h("div", { class: "workflow" });
  clear(shell);
  shell.append(
    header([h("a", { href: "#/", class: "link" }, t("back"))]),
    stickyBar(h("div", { class: "toolbar" }, connection.el, toolbar.modeEl, toolbar.viewEl, presence.el, exportButton(versionsCtx), wordReturnButton({ draftId, me, meetings }), panel.drawerButton)),
    connection.refusalEl,
    noticeEl,
    counterpart.el,
    workflowEl,
    commentButton.el,
    h("div", { class: "draft-layout" }, h("main", { class: "draft" }, text.titleEl, text.body), panel.el),
  );

  const stopWatching = watch(ctx, text, presence.cursors, panel);
  toolbar.paint();
  text.paint();
  panel.paint();
  connection.paint();
  const stopWorkflow = mountWorkflow(ctx, workflowEl, (locked) => {
    if (locked === ctx.state.locked) return;
    ctx.state.locked = locked;
    proposals.invalidate();
    comments.invalidate();
    toolbar.paint();
    text.paint();
    panel.paint();
  });
  return () => {
    stopWorkflow();
    panel.destroy();
    connection.destroy();
    stopWatching();
    presence.destroy();
    closePopover();
    commentButton.destroy();
    text.destroy();
  };
}
