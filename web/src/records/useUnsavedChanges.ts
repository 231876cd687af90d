/** Asks before a form's unsaved changes are thrown away: when the user leaves the page
 * inside the console (a link, the side menu, Back), when the form itself is closed, and
 * when the tab is closed or reloaded (there the browser asks, in its own words). */

import { App } from "antd";
import { useCallback, useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useBlocker } from "react-router-dom";
import type { BlockerFunction } from "react-router-dom";

import "./i18n";

export interface UnsavedChanges {
  /** Runs `leave` at once when nothing is unsaved, else after the user agrees to
   * discard the changes. */
  confirmLeave(leave: () => void): void;
  /** The changes are saved (or deliberately dropped): leave without asking. */
  release(): void;
}

export function useUnsavedChanges(dirty: boolean): UnsavedChanges {
  const { modal } = App.useApp();
  const { t } = useTranslation("records");
  // A ref, not the prop alone: a save releases the guard and navigates in the same tick,
  // before a render could tell the blocker that nothing is unsaved any more.
  const unsaved = useRef(dirty);
  unsaved.current = dirty;

  const ask = useCallback((onDiscard: () => void, onKeep: () => void) => {
    modal.confirm({
      title: t("form.unsavedTitle"),
      content: t("form.unsaved"),
      okText: t("form.discard"),
      okButtonProps: { danger: true },
      cancelText: t("form.keepEditing"),
      onOk: () => {
        unsaved.current = false;
        onDiscard();
      },
      onCancel: onKeep,
    });
  }, [modal, t]);

  // Only a change of page counts: a new search or filter on the same page keeps the form.
  const shouldBlock = useCallback<BlockerFunction>(
    ({ currentLocation, nextLocation }) =>
      unsaved.current && currentLocation.pathname !== nextLocation.pathname,
    [],
  );
  const blocker = useBlocker(shouldBlock);
  const asking = useRef(false);
  useEffect(() => {
    if (blocker.state !== "blocked" || asking.current) return;
    asking.current = true;
    ask(() => { asking.current = false; blocker.proceed(); },
        () => { asking.current = false; blocker.reset(); });
  }, [blocker, ask]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      if (!unsaved.current) return;
      event.preventDefault();
      event.returnValue = ""; // older browsers ask only when this is set
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const confirmLeave = useCallback((leave: () => void) => {
    if (unsaved.current) ask(leave, () => undefined);
    else leave();
  }, [ask]);
  const release = useCallback(() => {
    unsaved.current = false;
  }, []);
  return { confirmLeave, release };
}
