// The client's permission module against the cases the core's rules are tested on too
// (data/permission-cases.json; core/tests/shared_permission_cases.rs checks the same cases
// on real changes): every person of the file tries every case.
import { describe, expect, it } from "vitest";
import shared from "../../../data/permission-cases.json";
import type { Role, Status } from "../../src/logic/model";
import * as rules from "../../src/logic/permissions";
import type { ParagraphRights, Person } from "../../src/logic/permissions";

interface Case {
  action: string;
  paragraph: { status: string; editors: string[] };
  proposal?: string;
  /** For a proposal about a whole paragraph: insert, delete or move. */
  kind?: string;
  thread?: string;
  alternative?: { proposer: string; sponsors: string[] };
  allowed: string[];
}

/** What the client's module answers for one case. */
function may(p: Person, c: Case): boolean {
  const para: ParagraphRights = { status: c.paragraph.status as Status, editors: c.paragraph.editors };
  const proposer = c.proposal === "own" ? (p.country ?? "") : (c.proposal ?? "");
  const sponsors = c.alternative?.sponsors ?? [];
  switch (c.action) {
    case "propose":
      return rules.mayPropose(p, para);
    case "edit-directly":
      return rules.mayEditDirectly(p, para);
    case "accept":
    case "accept-paragraph-proposal":
      return rules.mayDecide(p, para);
    case "reject":
    case "reject-paragraph-proposal":
      return rules.mayReject(p, para, proposer);
    case "withdraw":
    case "withdraw-paragraph-proposal":
      return rules.mayWithdraw(p, para, proposer);
    case "propose-new-paragraph":
      return rules.mayProposeNewParagraph(p);
    case "propose-paragraph-deletion":
    case "propose-paragraph-move":
      return rules.mayProposeParagraphChange(p, para);
    case "add-paragraph":
      return rules.mayAddParagraphDirectly(p);
    case "remove-paragraph":
      return rules.mayRemoveParagraphDirectly(p, para);
    case "reorder":
      return rules.mayReorderDirectly(p);
    case "comment":
    case "reply":
      return rules.mayComment(p);
    case "resolve":
      return rules.mayResolve(p, c.thread ?? "");
    case "set-status":
      return rules.maySetStatus(p);
    case "confirm-concordance":
      return rules.mayConfirmConcordance(p, para);
    case "propose-alternative":
      return rules.mayProposeAlternative(p, para);
    case "cosponsor-alternative":
      return rules.mayCosponsor(p, para, sponsors);
    case "leave-sponsorship":
      return rules.mayLeaveSponsorship(p, para, sponsors);
    case "adopt-alternative":
      return rules.mayAdoptAlternative(p);
    default:
      throw new Error(`no such action in the shared cases: ${c.action}`);
  }
}

describe("permissions, on the cases shared with the core's rules", () => {
  const people = Object.entries(shared.people as Record<string, { role: Role; country: string | null }>);
  const cases = shared.cases as Case[];

  it("every case names people of the file, and someone may do it", () => {
    expect(cases.length).toBeGreaterThan(55);
    for (const c of cases) {
      expect(c.allowed.length, c.action).toBeGreaterThan(0);
      for (const who of c.allowed) expect(shared.people, `${c.action}: ${who}`).toHaveProperty([who]);
    }
  });

  it("the client allows exactly what the cases allow", () => {
    const wrong: string[] = [];
    for (const c of cases) {
      for (const [login, person] of people) {
        const expected = c.allowed.includes(login);
        if (may(person, c) !== expected) wrong.push(`${c.action} ${JSON.stringify(c.paragraph)}${c.proposal ? ` proposal ${c.proposal}` : ""}${c.thread ? ` thread ${c.thread}` : ""} by ${login}: expected ${expected ? "allowed" : "refused"}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
