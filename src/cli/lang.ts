// The language the CLI's check messages are printed in: `--lang zh|en`, else the locale.
import { InvalidArgumentError } from "commander";
import { isLang, LANGS, type Lang } from "../i18n/ui.ts";

/**
 * The locale's language, as the C library picks it: the first set of LC_ALL, LC_MESSAGES,
 * LANG; zh when it starts with "zh" (zh_CN.UTF-8, zh_TW, zh), else en.
 */
export function langOfLocale(env: Record<string, string | undefined>): Lang {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== "");
  return locale?.toLowerCase().startsWith("zh") ? "zh" : "en";
}

/** commander's parser for `--lang`: a clear error for anything but zh or en. */
export function parseLang(value: string): Lang {
  if (!isLang(value)) {
    throw new InvalidArgumentError(`use one of ${LANGS.join(", ")} (got "${value}")`);
  }
  return value;
}
