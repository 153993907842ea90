// The draft view (`#/draft/<id>`): numbered paragraphs, English and Spanish side by side,
// each an editor bound to its automerge text; the side panel (proposals, comments,
// versions, activity); the workflow panel; the connection state and who is here. This
// module loads the draft and puts the parts together: connection.ts, presence.ts,
// toolbar.ts, text.ts, proposals.ts, comments.ts, sidePanel.ts and workflow.ts, which
// share a DraftContext (context.ts).
import * as A from "@automerge/automerge";
import { type AutomergeUrl, type DocHandle, isValidAutomergeUrl } from "@automerge/automerge-repo";
import { api } from "../../api/api";
import { type DraftDoc, outline } from "../../logic/draftDoc";
import type { DraftInfo, Meeting, User } from "../../logic/model";
import { parseMarkName } from "../../logic/suggest";
import { countryCodes, countryName, registerCountries } from "../../state/countries";
import { lang, t } from "../../state/lang";
import { theRepo } from "../../state/repo";
import { clear, h } from "../../widgets/dom";
import { buildAdapter } from "../../widgets/editor/schema";
import { errorText } from "../../widgets/errors";
import { header } from "../../widgets/header";
import { exportButton } from "../../widgets/versions/export";
import { wordReturnButton } from "../../widgets/wordReturn";
import { mountComments } from "./comments";
import { mountConnection } from "./connection";
import { draftContext } from "./context";
import { mountPresence } from "./presence";
import { mountProposals } from "./proposals";
import { mountSidePanel } from "./sidePanel";
import { mountText } from "./text";
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

/** Opens a draft in `shell`; returns what closes it (timers, listeners, editors). */
export async function openDraft(shell: HTMLElement, draftId: string, me: User): Promise<() => void> {
  shell.append(header(), h("main", { class: "page" }, h("p", {}, t("loading"))));
  let info: DraftInfo;
  let meetings: Meeting[];
  try {
    [info, meetings] = await Promise.all([api.draft(draftId), api.meetings()]);
  } catch (e) {
    return failed(shell, errorText(e));
  }
  const { repo, net } = theRepo();
  if (!isValidAutomergeUrl(info.url)) throw new Error("bad document url");
  let handle: DocHandle<DraftDoc>;
  try {
    handle = await repo.find<DraftDoc>(info.url);
  } catch {
    return failed(shell, t("draftMissing"));
  }
  registerAll(meetings, handle.doc(), me);

  const noticeEl = h("div", { class: "notice", role: "status", hidden: true });
  const notify = (text: string, bad = false) => {
    noticeEl.hidden = false;
    noticeEl.className = `notice ${bad ? "bad" : "ok"}`;
    noticeEl.textContent = text;
  };
  const ctx = draftContext({ draftId, me, meetings, handle, l: lang(), notify });
  const connection = mountConnection(ctx, repo, net, info.url as AutomergeUrl);
  const presence = mountPresence(ctx);
  const versionsCtx = { draftId, title: () => ctx.outline().title, personOf: ctx.personOf };
  const proposals = mountProposals(ctx);
  const comments = mountComments(ctx);
  const panel = mountSidePanel(ctx, versionsCtx, proposals, comments);
  const text = mountText(ctx, {
    adapter: buildAdapter(countryCodes()),
    who: () => ({ country: me.country ?? "", user: me.id, actor: A.getActorId(handle.doc()) }),
    cursors: presence.cursors,
    onProposalClick: proposals.focus,
    onSelect: comments.select,
  });
  const toolbar = mountToolbar(ctx, text.paint);
  const workflowEl = h("div", { class: "workflow" });
  clear(shell);
  shell.append(
    header([h("a", { href: "#/", class: "link" }, t("back"))]),
    h("div", { class: "toolbar" }, connection.el, toolbar.modeEl, toolbar.viewEl, presence.el, exportButton(versionsCtx), wordReturnButton({ draftId, me, meetings })),
    connection.refusalEl,
    noticeEl,
    workflowEl,
    h("div", { class: "draft-layout" }, h("main", { class: "draft" }, text.titleEl, text.body), panel.el),
  );

  // Paragraph list and statuses change rarely; the text is drawn again only when they do.
  const shape = () => JSON.stringify(ctx.outline());
  let lastShape = shape();
  const onChange = () => {
    presence.cursors.schedulePaint();
    const s = shape();
    if (s !== lastShape) {
      lastShape = s;
      // After this change event: the editors' own listeners of the same event must not
      // reach views already destroyed by the repaint.
      setTimeout(text.paint, 0);
    }
    panel.follow();
  };
  handle.on("change", onChange);
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
    handle.off("change", onChange);
    presence.destroy();
    text.destroy();
  };
}
