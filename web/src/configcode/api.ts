// The config-as-code calls: export, dry run (diff) and apply.

import { api } from "../api/client";
import type { ConfigApplied, ConfigDiff } from "./types";

/** JSON when the text starts like JSON, else YAML (the server reads both either way). */
function mediaType(text: string): string {
  return /^\s*[{[]/.test(text) ? "application/json" : "application/yaml";
}

export const configApi = {
  export: (format: "yaml" | "json") => api.download("/config/export", { format }),
  diff: (document: string) => api.postText<ConfigDiff>("/config/diff", document, mediaType(document)),
  apply: (document: string, reason: string, expectVersion: number) =>
    api.post<ConfigApplied>("/config/apply", { document, reason, expect_version: expectVersion }),
};
