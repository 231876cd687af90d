// i18next for the console's own strings. `common` holds the shell's strings
// (zh-CN.json, en.json beside this file); a feature folder adds its own namespace with
// `addNamespace("records", { "zh-CN": zh, en })` at import time and reads it with
// `useTranslation("records")`. Ant Design's and dayjs's locales follow the same language
// (LanguageProvider).

import i18n from "i18next";
import { initReactI18next } from "react-i18next";

import en from "./en.json";
import zhCN from "./zh-CN.json";

export const LANGUAGES = ["zh-CN", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { "zh-CN": "简体中文", en: "English" };

const STORAGE_KEY = "vouch.language";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** One of ours for a browser language tag: zh, zh-CN, zh-Hans… → zh-CN; en-* → en. */
export function languageFor(tag: string): Language | null {
  const lower = tag.toLowerCase();
  if (lower.startsWith("zh")) return "zh-CN";
  if (lower.startsWith("en")) return "en";
  return null;
}

/** The remembered choice, else the browser's first language we have, else Chinese. */
export function preferredLanguage(): Language {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // storage disabled: the browser's preference decides
  }
  const tags = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of tags) {
    const lang = tag ? languageFor(tag) : null;
    if (lang) return lang;
  }
  return "zh-CN";
}

export async function setLanguage(lang: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered, still switched
  }
  await i18n.changeLanguage(lang);
}

export function currentLanguage(): Language {
  return isLanguage(i18n.language) ? i18n.language : "zh-CN";
}

type Resources = Record<string, unknown>;

/** A feature's strings in both languages, under a namespace of its own. */
export function addNamespace(ns: string, resources: Record<Language, Resources>): void {
  for (const lang of LANGUAGES) {
    i18n.addResourceBundle(lang, ns, resources[lang], true, true);
  }
}

void i18n.use(initReactI18next).init({
  resources: { "zh-CN": { common: zhCN }, en: { common: en } },
  lng: preferredLanguage(),
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  ns: ["common"],
  defaultNS: "common",
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
  initAsync: false,
});

export default i18n;
