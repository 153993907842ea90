import { describe, expect, it } from "vitest";
import { colourOf, countryCodes, countryName, PALETTE_SIZE, registerCountries, SECRETARIAT } from "../../src/state/countries";
import delegations from "../../../data/delegations.json";
import palette from "../../../data/palette.json";

describe("delegation colours", () => {
  it("gives the secretariat a colour of its own, even after a full meeting of delegations", () => {
    const codes = Array.from({ length: PALETTE_SIZE }, (_, i) => `C${String.fromCharCode(65 + i)}`);
    registerCountries(codes.map((code) => ({ code, name_en: code, name_es: code })));
    const colours = codes.map(colourOf);
    expect(new Set(colours).size).toBe(PALETTE_SIZE);
    expect(colours).not.toContain(colourOf(SECRETARIAT));
    registerCountries([{ code: SECRETARIAT, name_en: "SEC", name_es: "SEC" }]);
    expect(colours).not.toContain(colourOf(SECRETARIAT));
    expect(countryCodes().filter((c) => c === SECRETARIAT)).toHaveLength(1);
    expect(countryName(SECRETARIAT, "es")).toBe("Secretaría Técnica");
    expect(countryName(SECRETARIAT, "en")).toBe("Technical Secretariat");
  });
});

describe("the meeting's palette (data/palette.json, shared with the exports)", () => {
  it("gives every delegation, observer and the secretariat its own listed colour", () => {
    const members = [...delegations.rcm, ...delegations.sacm, ...delegations.observers].map((d) => d.code);
    const colours = [...members, SECRETARIAT].map(colourOf);
    expect(new Set(colours).size).toBe(members.length + 1);
    for (const code of [...members, SECRETARIAT]) {
      expect(colourOf(code)).toBe(palette.colours.find((e) => e.code === code)?.colour);
    }
  });
});
