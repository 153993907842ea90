import { describe, expect, it } from "vitest";
import { slug } from "../../src/logic/slug";

describe("download names", () => {
  it("cuts a long title between words, never inside one", () => {
    const title = "Joint Communiqué of the II Plenary Meeting of the Regional Conference on Migration";
    const s = slug(title);
    expect(s).toBe("joint-communique-of-the-ii-plenary");
    expect(s.length).toBeLessThanOrEqual(40);
    expect(slug("Comunicado Conjunto de la II Reunión Plenaria de la Conferencia")).toBe("comunicado-conjunto-de-la-ii-reunion");
  });
  it("keeps a short title whole and cuts a single overlong word", () => {
    expect(slug("Zero draft v2")).toBe("zero-draft-v2");
    expect(slug("a".repeat(50))).toBe("a".repeat(40));
    expect(slug("¿?")).toBe("draft");
  });
  it("keeps a title that ends exactly at a word boundary", () => {
    expect(slug("abcd-".repeat(8) + "efgh")).toBe("abcd-abcd-abcd-abcd-abcd-abcd-abcd-abcd");
  });
});
