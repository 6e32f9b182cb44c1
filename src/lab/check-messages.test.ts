import { describe, expect, it } from "vitest";
import { englishOnlyCalls } from "./check-messages.ts";

describe("englishOnlyCalls", () => {
  it("accepts calls with a Chinese message, also across continuation lines", () => {
    const source = [
      '# fail "in a comment" is not a call',
      '[ -n "$x" ] || fail "no x" "没有 x"',
      '[ -n "$y" ] ||',
      '  fail "no y: a long English text" \\',
      '    "没有 y" expected actual',
      'expect_eq "the role" "角色" slave "$role"',
      'pass "done" "完成"',
      "pass",
    ].join("\n");
    expect(englishOnlyCalls(source)).toEqual([]);
  });

  it("accepts a helper that passes on its caller's two texts, but not one text alone", () => {
    const source = [
      'rolled_out() { [ "$x" = y ] || fail "$2" "$3" "y" "$x"; }',
      'say() { fail "$1"; }',
    ].join("\n");
    expect(englishOnlyCalls(source)).toEqual([{ line: 2, helper: "fail" }]);
  });

  it("finds English-only calls with their line, one per call", () => {
    const source = [
      "fail() { echo local; }", // a definition, not a call
      '[ -n "$x" ] || fail "no x"',
      'case "$s" in a) msg "only English" ;; b) msg "两种" "both" ;; esac',
      'fail "no y" \\',
      '  "" "expected" "actual"',
      'expect_eq "the role" "" slave "$role"',
    ].join("\n");
    expect(englishOnlyCalls(source)).toEqual([
      { line: 2, helper: "fail" },
      { line: 3, helper: "msg" },
      { line: 4, helper: "fail" },
      { line: 6, helper: "expect_eq" },
    ]);
  });

  it("reads a message with ; | ) inside quotes or $(...) as one argument", () => {
    const ok = [
      'pass "stopped; its logs end (see docker logs)" "已停止"',
      'fail "a | b" "$(t "x; y" "甲；乙")"',
      'case "$s" in *) fail "x; (y)" "中文" ;; esac',
    ].join("\n");
    expect(englishOnlyCalls(ok)).toEqual([]);
    const bad = 'case "$s" in *) fail "x; (y)" ;; esac; msg "second" "第二"';
    expect(englishOnlyCalls(bad)).toEqual([{ line: 1, helper: "fail" }]);
  });

  it("does not count a word that merely contains a helper's name", () => {
    expect(englishOnlyCalls('echo "failover done"; curl -s passes; x=message')).toEqual([]);
  });
});
