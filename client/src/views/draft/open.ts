// The draft view: numbered paragraphs, English and Spanish side by side, each an editor
// bound to its automerge text; the proposals panel; the connection state.
import type * as A from "@automerge/automerge";
import { type AutomergeUrl, type DocHandle, type StorageId, isValidAutomergeUrl } from "@automerge/automerge-repo";
import { api } from "../../api/api";
import type { Selection } from "../../api/types";
import { alternativesOf } from "../../logic/alternatives";
import { type DraftDoc, type Outline, outline, proposalsOf } from "../../logic/draftDoc";
import { paragraphLabels } from "../../logic/labels";
import type { DraftInfo, Lang, Meeting, User } from "../../logic/model";
import { parseMarkName } from "../../logic/suggest";
import { openThread, renderMarkdown, reply, setResolved, threadsOf } from "../../logic/threads";
import { colourOf, countryCodes, countryName, registerCountries } from "../../state/countries";
import { type Key, formatTime, lang, t } from "../../state/lang";
import { nameOf, rememberName, theRepo } from "../../state/repo";
import { mountActivityFeed } from "../../widgets/activityFeed";
import { mountAlternatives } from "../../widgets/alternatives";
import { RemoteCursors } from "../../widgets/cursors";
import { clear, h } from "../../widgets/dom";
import { type Binding, bind, buildAdapter } from "../../widgets/editor/bind";
import { errorText } from "../../widgets/errors";
import { header } from "../../widgets/header";
import { exportButton } from "../../widgets/versions/export";
import { versionsPanel } from "../../widgets/versions/panel";
import { mountWorkflowPanel } from "../../widgets/workflow/panel";

export async function openDraft(shell: HTMLElement, draftId: string, me: User): Promise<() => void> {
  const l = lang();
  shell.append(header(), h("main", { class: "page" }, h("p", {}, t("loading"))));
  let info: DraftInfo;
  let meetings: Meeting[];
  try {
    [info, meetings] = await Promise.all([api.draft(draftId), api.meetings()]);
  } catch (e) {
    clear(shell);
    shell.append(header(), h("main", { class: "page" }, h("p", { class: "error", role: "alert" }, errorText(e))));
    return () => {};
  }
  for (const m of meetings) registerCountries(m.delegations);
  const { repo, net } = theRepo();
  if (!isValidAutomergeUrl(info.url)) throw new Error("bad document url");
  let handle: DocHandle<DraftDoc>;
  try {
    handle = await repo.find<DraftDoc>(info.url);
  } catch {
    clear(shell);
    shell.append(header(), h("main", { class: "page" }, h("p", { class: "error", role: "alert" }, t("draftMissing"))));
    return () => {};
  }
  const A_ = await import("@automerge/automerge");
  const doc0 = handle.doc();
  // Countries seen in the document but not in any meeting still get a colour and a mark type.
  for (const pid of outline(doc0).order) {
    for (const lg of ["en", "es"] as const) {
      for (const m of A_.marks(doc0, ["paragraphs", pid, "text", lg])) {
        const n = parseMarkName(m.name);
        if (n) registerCountries([{ code: n.country, name_en: n.country, name_es: n.country }]);
      }
    }
  }
  // The secretariat (SEC) is no delegation of a meeting but proposes like one.
  // A delegation of the meeting keeps its country's name (not the person's display name).
  if (me.country && countryName(me.country, "en") === me.country) registerCountries([{ code: me.country, name_en: me.display_name, name_es: me.display_name }]);
  const adapter = buildAdapter(countryCodes());
  const decides = me.role === "chair" || me.role === "secretariat";
  const drafts = me.role !== "observer" && me.role !== "admin" && me.country !== null;
  // Everyone starts by proposing: a chair's or the secretariat's direct edit is a choice
  // they make with the toggle, never what typing does by default.
  let suggesting = true;
  // The workflow's lock (adopted, or under silence), as the workflow panel last read it:
  // the text takes no change, so nothing offers to make one. Unknown (`undefined`) until
  // the panel's first read, and read-only meanwhile, so an adopted text never looks open.
  let locked: string | null | undefined = undefined;
  let showLangs: Lang[] = ["en", "es"];
  let filterCountry = "";
  let filterParagraph = "";
  let tab: "proposals" | "comments" | "versions" | "activity" = "proposals";
  let unreadActivity = 0;
  let selection: { pid: string; lang: Lang; from: number; to: number; quote: string } | null = null;
  const proposalsBox = h("div", { class: "box" });
  const commentsBox = h("div", { class: "box" });
  const commentsList = h("ol", { class: "threads" });
  const newCommentEl = h("div", { class: "new-comment" });
  const bindings: Binding[] = [];
  const unmounts: Array<() => void> = [];
  const who = () => ({ country: me.country ?? "", user: me.id, actor: A_.getActorId(handle.doc()) });

  // --- connection state
  const connEl = h("div", { class: "conn", role: "status", "aria-live": "polite", "data-testid": "connection" });
  const refusalEl = h("div", { class: "refusal", role: "alert", hidden: true });
  let storageId: StorageId | undefined;
  const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  function connState(): { key: Key; cls: string } {
    if (net.link === "refused") return { key: "conn_refused", cls: "bad" };
    if (net.link === "offline") return { key: "conn_offline", cls: "off" };
    if (net.link === "connecting") return { key: "conn_connecting", cls: "off" };
    const peer = repo.peers[0];
    storageId = peer ? repo.getStorageIdOfPeer(peer) : undefined;
    const synced = storageId ? handle.getSyncInfo(storageId) : undefined;
    if (synced && sameSet(synced.lastHeads, handle.heads())) return { key: "conn_saved", cls: "ok" };
    return { key: "conn_syncing", cls: "busy" };
  }
  function paintConn(): void {
    const s = connState();
    connEl.className = `conn ${s.cls}`;
    connEl.dataset.state = s.key.replace("conn_", "");
    connEl.textContent = t(s.key);
    if (net.link === "refused") {
      refusalEl.hidden = false;
      clear(refusalEl);
      refusalEl.append(
        h("p", {}, t("refused", { reason: net.refusal ?? "" })),
        h("button", { type: "button", onclick: async () => {
          repo.delete(info.url as AutomergeUrl);
          location.reload();
        } }, t("reload")),
      );
    }
  }
  const connTimer = setInterval(paintConn, 250);

  // --- presence: who is here (names for proposal cards come from here too)
  const presenceEl = h("div", { class: "presence", "aria-label": "presence" });
  const here = new Map<string, { name: string; country: string; seen: number }>();
  const announce = () => handle.broadcast({ presence: { user: me.id, name: me.display_name, country: me.country ?? "" } });
  const cursors = new RemoteCursors(handle as unknown as DocHandle<unknown>, { user: me.id, name: me.display_name, country: me.country ?? "" });
  const onEphemeral = ({ message }: { message: unknown }) => {
    if (cursors.receive(message)) return;
    const p = (message as { presence?: { user: string; name: string; country: string } }).presence;
    if (!p || typeof p.user !== "string") return;
    const fresh = !here.has(p.user);
    here.set(p.user, { name: String(p.name), country: String(p.country), seen: Date.now() });
    rememberName(p.user, String(p.name), true);
    if (fresh) {
      announce();
      cursors.resend();
    }
    paintPresence();
  };
  handle.on("ephemeral-message", onEphemeral as never);
  rememberName(me.id, me.display_name, false);
  function paintPresence(): void {
    clear(presenceEl);
    const now = Date.now();
    for (const [u, p] of here) if (now - p.seen > 30000) here.delete(u);
    const countries = new Set([me.country ?? "", ...[...here.values()].map((p) => p.country)].filter(Boolean));
    for (const c of countries) presenceEl.append(h("span", { class: "chip", style: `--c:${colourOf(c)}`, title: countryName(c, l) }, c));
  }
  const presenceTimer = setInterval(() => {
    announce();
    paintPresence();
  }, 10000);
  announce();
  paintPresence();

  // --- versions, comparison, export (versionsPanel.ts, compareView.ts, exportMenu.ts)
  const versionsCtx = { draftId, title: () => outline(handle.doc()).title, personOf };
  const versions = versionsPanel(versionsCtx);

  // --- the live activity feed (activityFeed.ts)
  const feed = mountActivityFeed({
    draftId,
    me,
    meetings,
    paragraph: (pid) => labelOf(outline(handle.doc()), pid),
    alternative: (pid, id) => {
      const a = alternativesOf(handle.doc(), pid).find((x) => x.id === id);
      return a ? `Alt ${a.number}` : null;
    },
    onUnread: (n) => {
      if (n === unreadActivity) return;
      unreadActivity = n;
      if (tab !== "activity") paintPanel();
    },
  });

  // --- layout
  const titleEl = h("h1", { class: "draft-title" });
  const body = h("div", { class: "paragraphs" });
  const panel = h("aside", { class: "panel", "aria-label": t("proposals") });
  const noticeEl = h("div", { class: "notice", role: "status", hidden: true });
  const modeEl = h("div", { class: "mode" });
  const viewEl = h("div", { class: "view-langs", role: "group" });
  const workflowEl = h("div", { class: "workflow" });
  clear(shell);
  shell.append(
    header([h("a", { href: "#/", class: "link" }, t("back"))]),
    h("div", { class: "toolbar" }, connEl, modeEl, viewEl, presenceEl, exportButton(versionsCtx)),
    refusalEl,
    noticeEl,
    workflowEl,
    h("div", { class: "draft-layout" }, h("main", { class: "draft" }, titleEl, body), panel),
  );

  function paintToolbar(): void {
    clear(modeEl);
    if (!drafts) modeEl.append(h("span", { class: "badge" }, t("readOnly")));
    else if (locked) modeEl.append(h("span", { class: "badge", "data-testid": "locked", title: locked }, t("lockedText")));
    else if (locked === undefined) {
      // Nothing to offer until the lock is known.
    } else if (decides) {
      modeEl.append(
        h("span", { class: "muted" }, t("mode"), ": "),
        h("button", { type: "button", class: suggesting ? "on" : "", "data-testid": "mode-suggesting", title: t("modeHelp"), onclick: () => { suggesting = true; paintToolbar(); } }, t("suggesting")),
        h("button", { type: "button", class: suggesting ? "" : "on", "data-testid": "mode-editing", title: t("modeHelp"), onclick: () => { suggesting = false; paintToolbar(); } }, t("editing")),
      );
    } else modeEl.append(h("span", { class: "badge", title: t("modeHelp") }, t("suggesting")));
    clear(viewEl);
    const opt = (label: string, langs: Lang[]) =>
      h("button", { type: "button", class: showLangs.join() === langs.join() ? "on" : "", onclick: () => { showLangs = langs; paintBody(); paintToolbar(); } }, label);
    viewEl.append(opt(t("both"), ["en", "es"]), opt("English", ["en"]), opt("Español", ["es"]));
  }

  const labelOf = (doc: Outline, pid: string): string => paragraphLabels(doc, l).get(pid) ?? "";

  const mayEdit = (p: { status: string }): boolean => {
    if (!drafts || locked !== null) return false;
    if (p.status === "agreed" && me.role !== "chair") return false;
    return true;
  };

  function paintBody(): void {
    for (const b of bindings.splice(0)) b.destroy();
    for (const u of unmounts.splice(0)) u();
    cursors.detachAll();
    clear(body);
    const doc = outline(handle.doc());
    titleEl.textContent = doc.title[l];
    body.classList.toggle("one-lang", showLangs.length === 1);
    body.dataset.lock = locked === undefined ? "unknown" : locked ? "locked" : "open";
    for (const pid of doc.order) {
      const p = doc.paragraphs[pid];
      if (!p) continue;
      const row = h("section", { class: `para kind-${p.kind}`, "data-paragraph": pid });
      const label = labelOf(doc, pid);
      row.append(
        h("div", { class: "para-head" }, h("span", { class: "num" }, label), h("span", { class: `status st-${p.status}`, "data-testid": "status" }, t(`status_${p.status}` as Key)),
          p.status === "agreed" && me.role !== "chair" ? h("span", { class: "muted small" }, t("frozen")) : null,
          ...(handle.doc().paragraphs[pid]?.editors ?? []).map((c) => h("span", { class: "chip", style: `--c:${colourOf(String(c))}`, title: t("leadEdits", { country: countryName(String(c), l) }), "data-testid": "para-editor" }, String(c)))),
      );
      const cols = h("div", { class: "cols" });
      for (const lg of showLangs) {
        const el = h("div", { class: `text lang-${lg}`, "data-lang": lg, "data-testid": `text-${lg}` });
        const col = h("div", { class: "col" }, h("div", { class: "lang-tag" }, lg.toUpperCase()), el);
        cols.append(col);
        bindings.push(
          bind(el, {
            handle: handle as unknown as DocHandle<unknown>,
            path: ["paragraphs", pid, "text", lg],
            adapter,
            who,
            // A paragraph's own editors (a Concept Note session's lead countries) edit it directly.
            suggesting: () => (decides ? suggesting : !(handle.doc().paragraphs[pid]?.editors ?? []).map(String).includes(me.country ?? "")),
            editable: () => mayEdit(outline(handle.doc()).paragraphs[pid] ?? p),
            onProposalClick: (id) => focusProposal(id),
            onSelect: (from, to) => {
              cursors.announce(pid, lg, to);
              selection = to > from ? { pid, lang: lg, from, to, quote: String(handle.doc().paragraphs[pid]?.text[lg] ?? "").slice(from, to) } : null;
              paintNewComment();
            },
            label: `${label} ${lg === "en" ? "English" : "Español"}`,
            lang: lg,
          }),
        );
        cursors.attach(pid, lg, bindings[bindings.length - 1].view, col);
      }
      row.append(cols);
      const alts = h("div");
      unmounts.push(mountAlternatives(alts, { handle: handle as unknown as DocHandle<unknown>, pid, me, open: () => mayEdit(outline(handle.doc()).paragraphs[pid] ?? p) }));
      row.append(alts);
      body.append(row);
    }
  }

  function focusProposal(id: string): void {
    const card = panel.querySelector<HTMLElement>(`[data-proposal="${CSS.escape(id)}"]`);
    if (!card) return;
    panel.querySelectorAll(".proposal.focus").forEach((c) => c.classList.remove("focus"));
    card.classList.add("focus");
    card.scrollIntoView({ block: "nearest" });
  }

  function notify(text: string, bad = false): void {
    noticeEl.hidden = false;
    noticeEl.className = `notice ${bad ? "bad" : "ok"}`;
    noticeEl.textContent = text;
  }

  async function act(action: "accept" | "reject" | "withdraw", selection: Selection): Promise<void> {
    try {
      const r = await api.act(draftId, action, selection);
      const word = action === "accept" ? t("accepted") : action === "reject" ? t("rejected") : t("withdrawn");
      notify(t("acted", { n: r.suggestions.length, action: word }));
    } catch (e) {
      notify(errorText(e), true);
    }
  }

  function personOf(user: string, country: string): string {
    return nameOf(user) ?? `${t("unknownPerson")} (${countryName(country, l)})`;
  }

  function paintPanel(): void {
    clear(panel);
    panel.append(h("div", { class: "tabs", role: "tablist" },
      h("button", { type: "button", role: "tab", class: tab === "proposals" ? "on" : "", "data-testid": "tab-proposals", onclick: () => { tab = "proposals"; paintPanel(); } }, t("proposals")),
      h("button", { type: "button", role: "tab", class: tab === "comments" ? "on" : "", "data-testid": "tab-comments", onclick: () => { tab = "comments"; lastThreads = ""; paintPanel(); } }, t("comments")),
      h("button", { type: "button", role: "tab", class: tab === "versions" ? "on" : "", "data-testid": "tab-versions", onclick: () => { tab = "versions"; versions.refresh(); paintPanel(); } }, t("versions")),
      h("button", { type: "button", role: "tab", class: tab === "activity" ? "on" : "", "data-testid": "tab-activity", onclick: () => { tab = "activity"; paintPanel(); } }, t("activity"),
        unreadActivity > 0 ? h("span", { class: "unread", "data-testid": "activity-unread", title: t("feedUnread", { n: unreadActivity }) }, String(unreadActivity)) : null),
    ));
    feed.shown(tab === "activity");
    panel.append(tab === "proposals" ? proposalsBox : tab === "comments" ? commentsBox : tab === "activity" ? feed.el : versions.el);
    if (tab === "proposals") paintProposals();
    else if (tab === "comments") paintComments();
  }

  function paintNewComment(): void {
    clear(newCommentEl);
    if (!me.country || me.role === "admin" || locked !== null) return;
    if (!selection) {
      newCommentEl.append(h("p", { class: "muted" }, t("commentHelp")));
      return;
    }
    const sel = selection;
    const box = h("textarea", { rows: 3, "data-testid": "new-comment", "aria-label": t("comment") });
    newCommentEl.append(
      h("div", { class: "muted" }, t("commentOn", { quote: sel.quote.length > 80 ? `${sel.quote.slice(0, 80)}…` : sel.quote })),
      box,
      h("div", { class: "muted small" }, t("markdownHint")),
      h("button", { type: "button", class: "primary", "data-testid": "post-comment", onclick: () => {
        const body = box.value.trim();
        if (!body) return;
        handle.change((d) => {
          openThread(d as A.Doc<unknown>, sel.pid, sel.lang, sel.from, sel.to, sel.quote, body, { user: me.id, country: me.country ?? "" }, Date.now());
        });
        selection = null;
        paintNewComment();
      } }, t("comment")),
    );
  }

  let lastThreads = "";
  function paintComments(): void {
    const full = handle.doc();
    const threads = threadsOf(full as never);
    const sig = JSON.stringify(threads);
    if (sig === lastThreads && commentsList.isConnected) return;
    lastThreads = sig;
    clear(commentsBox);
    commentsBox.append(newCommentEl);
    paintNewComment();
    clear(commentsList);
    commentsBox.append(commentsList);
    const doc = outline(full);
    if (threads.length === 0) commentsList.append(h("p", { class: "muted" }, t("noComments")));
    for (const th of threads) {
      const opener = th.messages[0]?.country ?? "";
      const mayResolve = decides || (me.country !== null && me.country === opener && me.role !== "observer");
      const replyBox = h("textarea", { rows: 2, "aria-label": t("reply"), "data-testid": "reply-box" });
      commentsList.append(h("li", { class: `thread${th.resolved ? " resolved" : ""}${th.detached ? " detached" : ""}`, "data-thread": th.id, "data-testid": "thread" },
        h("div", { class: "p-head" }, h("span", { class: "muted" }, `${labelOf(doc, th.paragraph)} ${th.lang.toUpperCase()}`),
          th.resolved ? h("span", { class: "badge" }, t("resolved")) : null),
        th.detached ? h("div", { class: "detached-note", "data-testid": "detached" }, t("detached")) : null,
        h("blockquote", { lang: th.lang }, th.quote),
        ...th.messages.map((m) => {
          const bodyEl = h("div", { class: "md" });
          bodyEl.innerHTML = renderMarkdown(m.body);
          return h("div", { class: "message" },
            h("div", { class: "p-meta" }, h("span", { class: "chip", style: `--c:${colourOf(m.country)}` }, m.country), ` ${personOf(m.user, m.country)} · ${formatTime(m.at)}`),
            bodyEl);
        }),
        me.country && me.role !== "admin" && locked === null ? h("div", { class: "reply" }, replyBox, h("button", { type: "button", "data-testid": "reply", onclick: () => {
          const body = replyBox.value.trim();
          if (!body) return;
          handle.change((d) => reply(d as A.Doc<unknown>, th.id, body, { user: me.id, country: me.country ?? "" }, Date.now()));
        } }, t("reply"))) : null,
        mayResolve && locked === null ? h("button", { type: "button", "data-testid": th.resolved ? "reopen" : "resolve", onclick: () => handle.change((d) => setResolved(d as A.Doc<unknown>, th.id, !th.resolved)) }, th.resolved ? t("reopen") : t("resolve")) : null,
      ));
    }
  }

  let lastProposals = "";
  function paintProposals(): void {
    const panel = proposalsBox;
    const full = handle.doc();
    const doc = outline(full);
    const all = proposalsOf(full);
    const shown = all.filter((p) => (!filterCountry || p.country === filterCountry) && (!filterParagraph || p.paragraph === filterParagraph));
    // Most changes (comments, direct edits, other texts) leave the proposals as they were.
    const sig = JSON.stringify([all, doc, filterCountry, filterParagraph]);
    if (sig === lastProposals && panel.isConnected) return;
    lastProposals = sig;
    clear(panel);
    const countries = [...new Set(all.map((p) => p.country))].sort();
    const countrySel = h("select", { "aria-label": t("allCountries"), "data-testid": "filter-country", onchange: (e: Event) => { filterCountry = (e.target as HTMLSelectElement).value; paintProposals(); } },
      h("option", { value: "" }, t("allCountries")),
      ...countries.map((c) => h("option", { value: c, selected: c === filterCountry }, `${c} — ${countryName(c, l)}`)));
    const paraSel = h("select", { "aria-label": t("allParagraphs"), "data-testid": "filter-paragraph", onchange: (e: Event) => { filterParagraph = (e.target as HTMLSelectElement).value; paintProposals(); } },
      h("option", { value: "" }, t("allParagraphs")),
      ...doc.order.filter((pid) => all.some((p) => p.paragraph === pid)).map((pid) => h("option", { value: pid, selected: pid === filterParagraph }, labelOf(doc, pid))));
    panel.append(h("h2", {}, `${t("proposals")} (${shown.length})`), h("div", { class: "filters" }, countrySel, paraSel));
    const resolves = decides && locked === null;
    if (resolves && shown.length > 0) {
      const ids = [...new Set(shown.map((p) => p.id))];
      panel.append(h("div", { class: "bulk" },
        h("button", { type: "button", class: "accept", "data-testid": "bulk-accept", onclick: () => { if (confirm(t("confirmBulk", { action: t("accept"), n: ids.length }))) void act("accept", { ids }); } }, t("acceptShown")),
        h("button", { type: "button", class: "reject", "data-testid": "bulk-reject", onclick: () => { if (confirm(t("confirmBulk", { action: t("reject"), n: ids.length }))) void act("reject", { ids }); } }, t("rejectShown")),
      ));
    }
    if (shown.length === 0) panel.append(h("p", { class: "muted" }, t("noProposals")));
    const list = h("ol", { class: "proposals" });
    for (const p of shown) {
      const own = p.country === me.country;
      list.append(h("li", { class: `proposal ${p.kind}`, "data-proposal": p.id, "data-country": p.country, "data-kind": p.kind, style: `--c:${colourOf(p.country)}` },
        h("div", { class: "p-head" },
          h("span", { class: "chip", style: `--c:${colourOf(p.country)}` }, p.country),
          h("strong", {}, countryName(p.country, l)),
          h("span", { class: "muted" }, ` · ${p.kind === "ins" ? t("insertion") : t("deletion")} · ${labelOf(doc, p.paragraph)} ${p.lang.toUpperCase()}`)),
        h("blockquote", { class: p.kind === "ins" ? "q-ins" : "q-del", lang: p.lang }, p.text),
        h("div", { class: "p-meta muted" }, `${personOf(p.user, p.country)} · ${formatTime(p.at)}`),
        h("div", { class: "p-actions" },
          resolves ? h("button", { type: "button", class: "accept", "data-testid": "accept", onclick: () => void act("accept", { ids: [p.id] }) }, t("accept")) : null,
          resolves ? h("button", { type: "button", class: "reject", "data-testid": "reject", onclick: () => void act("reject", { ids: [p.id] }) }, t("reject")) : null,
          own && locked === null && (me.role === "delegate" || me.role === "chair") ? h("button", { type: "button", "data-testid": "withdraw", onclick: () => void act("withdraw", { ids: [p.id] }) }, t("withdraw")) : null,
        )));
    }
    panel.append(list);
  }

  // Paragraph list and statuses change rarely; re-render the body only when they do.
  const shape = (d: DraftDoc) => JSON.stringify(outline(d));
  let lastShape = shape(handle.doc());
  let panelTimer: ReturnType<typeof setTimeout> | null = null;
  let panelDue = 0;
  const onChange = () => {
    cursors.schedulePaint();
    const s = shape(handle.doc());
    if (s !== lastShape) {
      lastShape = s;
      // After this change event: the editors' own listeners of the same event must not
      // reach views already destroyed by the repaint.
      setTimeout(paintBody, 0);
    }
    // The side panel follows once changes pause (at most 1 s late), not on every keystroke:
    // repainting hundreds of cards between two keystrokes delayed the next one.
    const now = Date.now();
    if (panelTimer) clearTimeout(panelTimer);
    else panelDue = now + 1000;
    panelTimer = setTimeout(() => { panelTimer = null; if (tab === "proposals") paintProposals(); else if (tab === "comments") paintComments(); }, Math.max(0, Math.min(200, panelDue - now)));
  };
  handle.on("change", onChange);
  paintToolbar();
  paintBody();
  paintPanel();
  paintConn();
  const stopWorkflow = mountWorkflowPanel(workflowEl, {
    draftId,
    me,
    meetings,
    notify,
    onLock: (now) => {
      if (now === locked) return;
      locked = now;
      lastProposals = "";
      lastThreads = "";
      paintToolbar();
      paintBody();
      paintPanel();
    },
    paragraphLabel: (pid) => labelOf(outline(handle.doc()), pid),
    firstWords: (pid) => {
      const text = String(handle.doc().paragraphs?.[pid]?.text?.[l] ?? "").trim();
      const cut = text.split(/\s+/).slice(0, 8).join(" ");
      return cut.length < text.length ? `${cut}…` : cut;
    },
  });
  return () => {
    stopWorkflow();
    feed.stop();
    clearInterval(connTimer);
    clearInterval(presenceTimer);
    handle.off("change", onChange);
    handle.off("ephemeral-message", onEphemeral as never);
    cursors.destroy();
    for (const b of bindings) b.destroy();
    for (const u of unmounts) u();
  };
}
