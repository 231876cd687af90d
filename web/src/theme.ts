import type { ThemeConfig } from "antd";

// Ant Design's default look, with a font order per language. Chinese puts CJK-capable
// system fonts first, so that its punctuation (“”，。) is set full-width like the
// characters around it. English puts Latin fonts first: a CJK font first would set its
// quotes and dashes full-width inside English sentences (on Linux, where Segoe UI and San
// Francisco are missing); Chinese names in English screens still find a CJK font below.
const LATIN = ["-apple-system", "BlinkMacSystemFont", "'Segoe UI'", "Roboto", "'Helvetica Neue'",
               "Arial", "'Noto Sans'"];
const CJK = ["'PingFang SC'", "'Hiragino Sans GB'", "'Microsoft YaHei'", "'Noto Sans CJK SC'",
             "'Noto Sans SC'"];

function themeWith(fonts: string[]): ThemeConfig {
  return {
    token: { colorPrimary: "#1677ff", borderRadius: 6, fontFamily: [...fonts, "sans-serif"].join(", ") },
  };
}

const CHINESE = themeWith([...LATIN.slice(0, 3), ...CJK, ...LATIN.slice(3)]);
const ENGLISH = themeWith([...LATIN, ...CJK]);

export function themeFor(language: string): ThemeConfig {
  return language.toLowerCase().startsWith("zh") ? CHINESE : ENGLISH;
}
