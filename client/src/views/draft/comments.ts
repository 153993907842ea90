// The comments tab: comment threads on the text (opened on a selection, answered,
// resolved and reopened; a thread whose words are gone shows as detached with its quote),
// written into the document itself (logic/threads.ts).
import type * as A from "@automerge/automerge";
import { mayComment, mayResolve } from "../../logic/permissions";
import { type Thread, openThread, renderMarkdown, reply, setResolved, threadsOf } from "../../logic/threads";
import type { Proposal } from "../../logic/proposals";
import { colourOf, countryName } from "../../state/countries";
import { formatTime, t } from "../../state/lang";
import { openDialog } from "../../widgets/dialog";
import { clear, h } from "../../widgets/dom";
import type { DraftContext } from "./context";
import type { TextSelection } from "./text";

export interface Comments {
  el: HTMLElement;
  /** Draws the threads again if they changed (`invalidate` forces it). */
  paint(): void;
  invalidate(): void;
  /** The text selected now, which a new comment would be on (null: none). */
  select(selection: TextSelection | null): void;
  /** Puts the focus in the box of a new comment on the words selected. */
  compose(): void;
  /** Shows one thread (scrolled to and marked). */
  reveal(id: string): void;
}

/** `onOpen`: a thread was opened in the panel (its words to be highlighted and shown). */
export function mountComments(ctx: DraftContext, onOpen: (id: string, pid: string) => void): Comments {
  const { handle, me } = ctx;
  const el = h("div", { class: "box" });
  const list = h("ol", { class: "threads" });
  const newComment = h("div", { class: "new-comment" });
  const author = { user: me.id, country: me.country ?? "" };
  let selection: TextSelection | null = null;
  let last = "";

  function paintNew(): void {
    clear(newComment);
    if (!mayComment(me) || !ctx.unlocked()) return;
    if (!selection) {
      newComment.append(h("p", { class: "muted" }, t("commentHelp")));
      return;
    }
    const sel = selection;
    const box = h("textarea", { rows: 3, "data-testid": "new-comment", "aria-label": t("comment") });
    newComment.append(
      h("div", { class: "muted" }, t("commentOn", { quote: sel.quote.length > 80 ? `${sel.quote.slice(0, 80)}…` : sel.quote })),
      box,
      h("div", { class: "muted small" }, t("markdownHint")),
      h("button", { type: "button", class: "primary", "data-testid": "post-comment", onclick: () => {
        const body = box.value.trim();
        if (!body) return;
        handle.change((d) => {
          openThread(d as A.Doc<unknown>, sel.pid, sel.lang, sel.from, sel.to, sel.quote, body, author, Date.now());
        });
        selection = null;
        paintNew();
      } }, t("comment")),
    );
  }

  function thread(th: Thread, label: string): HTMLElement {
    const opener = th.messages[0]?.country ?? "";
    const replyBox = h("textarea", { rows: 2, "aria-label": t("reply"), "data-testid": "reply-box" });
    const open = (e: Event) => {
      if ((e.target as HTMLElement).closest("button, textarea, a")) return;
      onOpen(th.id, th.paragraph);
      mark(th.id);
    };
    return h("li", { class: `thread${th.resolved ? " resolved" : ""}${th.detached ? " detached" : ""}${ctx.state.activeThread === th.id ? " focus" : ""}`, "data-thread": th.id, "data-testid": "thread", style: `--c:${colourOf(opener)}`, onclick: open },
      h("div", { class: "p-head" }, h("span", { class: "muted" }, `${label} ${th.lang.toUpperCase()}`),
        th.resolved ? h("span", { class: "badge" }, t("resolved")) : null),
      th.detached ? h("div", { class: "detached-note", "data-testid": "detached" }, t("detached")) : null,
      h("blockquote", { lang: th.lang }, th.quote),
      ...th.messages.map((m) => {
        const bodyEl = h("div", { class: "md" });
        bodyEl.innerHTML = renderMarkdown(m.body);
        return h("div", { class: "message" },
          h("div", { class: "p-meta" }, h("span", { class: "chip", style: `--c:${colourOf(m.country)}` }, m.country), ` ${ctx.personOf(m.user, m.country)} · ${formatTime(m.at)}`),
          bodyEl);
      }),
      mayComment(me) && ctx.unlocked() ? h("div", { class: "reply" }, replyBox, h("button", { type: "button", "data-testid": "reply", onclick: () => {
        const body = replyBox.value.trim();
        if (!body) return;
        handle.change((d) => reply(d as A.Doc<unknown>, th.id, body, author, Date.now()));
      } }, t("reply"))) : null,
      mayResolve(me, opener) && ctx.unlocked()
        ? h("button", { type: "button", "data-testid": th.resolved ? "reopen" : "resolve", onclick: () => handle.change((d) => setResolved(d as A.Doc<unknown>, th.id, !th.resolved)) }, th.resolved ? t("reopen") : t("resolve"))
        : null,
    );
  }

  function paint(): void {
    const threads = threadsOf(handle.doc() as never);
    const sig = JSON.stringify(threads);
    if (sig === last && list.isConnected) return;
    last = sig;
    clear(el);
    el.append(newComment);
    paintNew();
    clear(list);
    el.append(list);
    const labels = ctx.labels();
    if (threads.length === 0) list.append(h("li", { class: "muted" }, t("noComments")));
    for (const th of threads) list.append(thread(th, labels.get(th.paragraph) ?? ""));
  }

  function select(s: TextSelection | null): void {
    selection = s;
    paintNew();
  }

  function mark(id: string): void {
    list.querySelectorAll(".thread.focus").forEach((x) => x.classList.remove("focus"));
    list.querySelector(`[data-thread="${id}"]`)?.classList.add("focus");
  }

  return {
    el, paint, invalidate: () => (last = ""), select,
    compose: () => newComment.querySelector("textarea")?.focus(),
    reveal: (id) => {
      paint();
      mark(id);
      list.querySelector(`[data-thread="${id}"]`)?.scrollIntoView({ block: "nearest" });
    },
  };
}

/** Where a text proposal's words are (its first part, its first piece), to comment on. */
function proposalWords(p: Proposal): TextSelection | null {
  const part = p.parts[0];
  if (!part) return null;
  const quote = part.text.split(" … ")[0];
  return quote ? { pid: part.paragraph, lang: part.lang, from: part.start, to: part.start + quote.length, quote } : null;
}

/** A text proposal's discussion on its card: the comment threads on its words (a button
 * opens them) and, for those who comment, a reply that opens one. */
export function proposalDiscussion(ctx: DraftContext, p: Proposal, onOpen: (id: string) => void): HTMLElement | null {
  const words = proposalWords(p);
  if (!words) return null;
  const on = ctx.highlights(words.pid, words.lang).filter((x) => x.from < words.to && words.from < x.to);
  const may = mayComment(ctx.me) && ctx.unlocked();
  if (on.length === 0 && !may) return null;
  return h("div", { class: "p-discussion" },
    on.length > 0 ? h("button", { type: "button", class: "link", "data-testid": "proposal-threads", onclick: () => onOpen(on[0].id) }, t("pr_threads", { n: on.length })) : null,
    may ? h("button", { type: "button", class: "link", "data-testid": "proposal-reply", onclick: () => replyDialog(ctx, p, words) }, t("pr_reply")) : null);
}

/** Asks for a reply to a proposal, in the app's own dialog; it opens a thread on its words. */
function replyDialog(ctx: DraftContext, p: Proposal, words: TextSelection): void {
  const box = h("textarea", { rows: 4, "aria-label": t("comment"), "data-testid": "proposal-reply-text" });
  const problem = h("p", { class: "error", role: "alert" });
  openDialog({
    title: t("pr_replyTitle", { country: countryName(p.country, ctx.l) }),
    body: [h("blockquote", { lang: words.lang }, words.quote), box, h("div", { class: "muted small" }, t("markdownHint")), problem],
    confirm: t("comment"),
    testid: "proposal-reply-dialog",
    onConfirm: () => {
      const body = box.value.trim();
      if (!body) {
        problem.textContent = t("commentRequired");
        return false;
      }
      ctx.handle.change((d) => {
        openThread(d as A.Doc<unknown>, words.pid, words.lang, words.from, words.to, words.quote, body, { user: ctx.me.id, country: ctx.me.country ?? "" }, Date.now());
      });
      return true;
    },
  });
}
