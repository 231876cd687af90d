// The two-person rule's answer to a direct grant (POST /assignments answers 202 with a
// grant request): said in words — it waits for a second administrator — with a way to open
// the request.

import { App } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router-dom";

import "./i18n";
import { requestPath } from "./paths";
import type { RequestDetail } from "./types";
import { personName, useWords } from "./words";

/** Whether an answer of POST /assignments is the grant request the two-person rule made. */
export function isGrantRequest(answer: unknown): answer is RequestDetail {
  return !!answer && typeof answer === "object" && (answer as RequestDetail).kind === "grant"
    && Array.isArray((answer as RequestDetail).steps);
}

/** Shows the waiting grant request; its button opens it. */
export function useTwoPersonNotice(): (request: RequestDetail) => void {
  const { t } = useTranslation("workflow");
  const { modal } = App.useApp();
  const navigate = useNavigate();
  const words = useWords();
  return (request) => {
    modal.confirm({
      title: t("twoPerson.title"),
      content: <span data-testid="two-person-notice">{t("twoPerson.text", {
        user: personName(request.beneficiary), role: words.role(request.role), id: request.id,
      })}</span>,
      okText: t("twoPerson.open", { id: request.id }),
      cancelText: t("common.close"),
      onOk: () => navigate(requestPath(request.id)),
    });
  };
}
