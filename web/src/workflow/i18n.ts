// The workflow screens' strings (namespace `workflow`): zh-CN.json and en.json beside this
// file, kept key for key by scripts/check-i18n.mjs.

import { addNamespace } from "../i18n";
import en from "./en.json";
import zhCN from "./zh-CN.json";

addNamespace("workflow", { "zh-CN": zhCN, en });
