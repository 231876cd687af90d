import type { ThemeConfig } from "antd";

// Ant Design's default look; CJK-capable system fonts first so Chinese never falls back
// to a font without the glyphs.
export const theme: ThemeConfig = {
  token: {
    colorPrimary: "#1677ff",
    borderRadius: 6,
    fontFamily: [
      "-apple-system", "BlinkMacSystemFont", "'Segoe UI'", "'PingFang SC'",
      "'Hiragino Sans GB'", "'Microsoft YaHei'", "'Noto Sans CJK SC'", "'Noto Sans SC'",
      "'Helvetica Neue'", "Arial", "sans-serif",
    ].join(", "),
  },
};
