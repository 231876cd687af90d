// What the viewer may do with a request now — approve, reject, ask for changes (its
// approvers), withdraw or resubmit (its requester) — each through a dialog with the reason;
// a step the viewer may not decide says why, in words.

import { App, Alert, Button, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError } from "../api/client";
import { countsChanged, workflowApi } from "./api";
import DecisionDialog from "./DecisionDialog";
import type { DecisionValues } from "./DecisionDialog";
import "./i18n";
import type { AccessRequest, RequestDetail } from "./types";
import { useWords } from "./words";

type Action = "approve" | "reject" | "request_changes" | "withdraw" | "resubmit";

interface Props {
  request: AccessRequest;
  /** After a decision: the request as it stands now. */
  onChanged: (updated: RequestDetail) => void;
  /** Someone else decided first (stale version): read it again. */
  onStale?: () => void;
  /** Show the refusal (own request…) beside the buttons. */
  showRefusal?: boolean;
  size?: "small" | "middle";
}

export default function RequestActions({ request, onChanged, onStale, showRefusal = true, size = "middle" }: Props) {
  const { t } = useTranslation("workflow");
  const { message } = App.useApp();
  const words = useWords();
  const [open, setOpen] = useState<Action | null>(null);
  const { can } = request;

  const done = (updated: RequestDetail, text: string) => {
    setOpen(null);
    message.success(text);
    countsChanged();
    onChanged(updated);
  };

  const run = async (action: Action, v: DecisionValues) => {
    try {
      switch (action) {
        case "approve": {
          const r = await workflowApi.approve(request, v.reason);
          done(r, t(r.status === "approved" ? "detail.approved" : "detail.stepApproved", { id: r.id }));
          break;
        }
        case "reject":
          done(await workflowApi.reject(request, v.reason), t("detail.rejected", { id: request.id }));
          break;
        case "request_changes":
          done(await workflowApi.requestChanges(request, v.reason), t("detail.changesAsked", { id: request.id }));
          break;
        case "withdraw":
          done(await workflowApi.withdraw(request, v.reason), t("detail.withdrawn", { id: request.id }));
          break;
        case "resubmit": {
          const body: { reason: string; days?: number | null; ends_at?: string | null } = { reason: v.reason };
          if (request.days) body.days = v.days ?? request.days;
          else if (v.ends_at) body.ends_at = v.ends_at.toISOString();
          done(await workflowApi.resubmit(request, body), t("detail.resubmitted", { id: request.id }));
          break;
        }
      }
    } catch (err) {
      if (err instanceof ApiError && err.type === "conflict.stale_version" && onStale) {
        setOpen(null);
        message.warning(t("detail.stale"));
        onStale();
        return;
      }
      throw err;
    }
  };

  const decidable = can.approve || can.reject || can.request_changes;
  const buttons = [];
  if (can.approve) {
    buttons.push(<Button key="approve" type="primary" size={size} data-action="approve"
                         onClick={() => setOpen("approve")}>
      {request.kind === "problem" ? t("detail.approveProblem") : t("detail.approve")}
    </Button>);
  }
  if (can.request_changes) {
    buttons.push(<Button key="changes" size={size} data-action="request-changes"
                         onClick={() => setOpen("request_changes")}>{t("detail.requestChanges")}</Button>);
  }
  if (can.reject) {
    buttons.push(<Button key="reject" danger size={size} data-action="reject"
                         onClick={() => setOpen("reject")}>{t("detail.reject")}</Button>);
  }
  if (can.resubmit) {
    buttons.push(<Button key="resubmit" type="primary" size={size} data-action="resubmit"
                         onClick={() => setOpen("resubmit")}>{t("detail.resubmit")}</Button>);
  }
  if (can.withdraw) {
    buttons.push(<Button key="withdraw" size={size} data-action="withdraw"
                         onClick={() => setOpen("withdraw")}>{t("detail.withdraw")}</Button>);
  }
  const refusal = showRefusal && !decidable && request.refusal && request.refusal !== "not_pending"
    && !(request.refusal === "not_an_approver" && (can.withdraw || can.resubmit))
    ? request.refusal : null;

  const what = words.what(request);
  const steps = request.steps.length;
  return (
    <>
      {(buttons.length > 0 || refusal) && (
        <Space wrap data-testid="request-actions">
          {buttons}
          {refusal && (
            <Alert type="info" showIcon message={words.refusal(refusal)} data-testid="decision-refusal"
                   data-reason={refusal} style={{ padding: "4px 12px" }} />
          )}
        </Space>
      )}
      {open === "approve" && (
        <DecisionDialog title={t("detail.approveTitle", { id: request.id })}
                        okText={request.kind === "problem" ? t("detail.approveProblem") : t("detail.approve")}
                        intro={<>{what}<br />{request.kind === "problem" ? t("detail.approveProblemIntro")
                          : t("detail.approveIntro", { step: request.current_step + 1, count: steps })}</>}
                        reasonRequired={false} onCancel={() => setOpen(null)} testId="approve-dialog"
                        onConfirm={(v) => run("approve", v)} />
      )}
      {open === "reject" && (
        <DecisionDialog title={t("detail.rejectTitle", { id: request.id })} okText={t("detail.reject")} danger
                        intro={what} reasonRequired onCancel={() => setOpen(null)} testId="reject-dialog"
                        onConfirm={(v) => run("reject", v)} />
      )}
      {open === "request_changes" && (
        <DecisionDialog title={t("detail.changesTitle", { id: request.id })} okText={t("detail.requestChanges")}
                        intro={<>{what}<br />{t("detail.changesIntro")}</>} reasonRequired
                        onCancel={() => setOpen(null)} testId="changes-dialog"
                        onConfirm={(v) => run("request_changes", v)} />
      )}
      {open === "withdraw" && (
        <DecisionDialog title={t("detail.withdrawTitle", { id: request.id })} okText={t("detail.withdraw")} danger
                        intro={<>{what}<br />{t("detail.withdrawIntro")}</>} reasonRequired={false}
                        onCancel={() => setOpen(null)} testId="withdraw-dialog"
                        onConfirm={(v) => run("withdraw", v)} />
      )}
      {open === "resubmit" && (
        <DecisionDialog title={t("detail.resubmitTitle", { id: request.id })} okText={t("detail.resubmit")}
                        intro={what} reasonRequired days={request.days} endsAt={request.days ? null : request.ends_at}
                        onCancel={() => setOpen(null)} testId="resubmit-dialog"
                        onConfirm={(v) => run("resubmit", v)} />
      )}
    </>
  );
}
