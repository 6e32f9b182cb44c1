import { describe, expect, it } from "vitest";
import { langOfLocale, parseLang } from "./lang.ts";

describe("langOfLocale", () => {
  it("is zh for a Chinese locale, whatever the region or encoding", () => {
    expect(langOfLocale({ LANG: "zh_CN.UTF-8" })).toBe("zh");
    expect(langOfLocale({ LANG: "zh_TW" })).toBe("zh");
    expect(langOfLocale({ LC_ALL: "zh" })).toBe("zh");
  });

  it("is en for any other locale, and without one", () => {
    expect(langOfLocale({ LANG: "en_US.UTF-8" })).toBe("en");
    expect(langOfLocale({ LANG: "C.UTF-8" })).toBe("en");
    expect(langOfLocale({ LANG: "de_DE" })).toBe("en");
    expect(langOfLocale({})).toBe("en");
  });

  it("lets LC_ALL win over LC_MESSAGES over LANG; an empty one does not count", () => {
    expect(langOfLocale({ LC_ALL: "en_US.UTF-8", LANG: "zh_CN.UTF-8" })).toBe("en");
    expect(langOfLocale({ LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" })).toBe("zh");
    expect(langOfLocale({ LC_MESSAGES: "zh_CN", LANG: "en_US" })).toBe("zh");
    expect(langOfLocale({ LC_ALL: "", LANG: "zh_CN.UTF-8" })).toBe("zh");
  });
});

describe("parseLang", () => {
  it("takes zh and en, and refuses anything else with the choices", () => {
    expect(parseLang("zh")).toBe("zh");
    expect(parseLang("en")).toBe("en");
    expect(() => parseLang("fr")).toThrow(/use one of zh, en \(got "fr"\)/);
    expect(() => parseLang("ZH")).toThrow(/use one of/);
  });
});
