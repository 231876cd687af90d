// Pieces every request screen shows: its status, the preconditions as checked, the
// approval steps, and the history of what was decided.

import {
  CheckCircleFilled, ClockCircleOutlined, CloseCircleFilled, ExclamationCircleOutlined,
} from "@ant-design/icons";
import { List, Space, Steps, Tag, Timeline, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { useFormat } from "../i18n/format";
import "./i18n";
import type { AccessRequest, CheckStep, HistoryEntry, Precondition, RequestStatus, RequestStep } from "./types";
import { personName, useWords } from "./words";

const STATUS_COLORS: Record<RequestStatus, string> = {
  pending: "processing", changes_requested: "warning", approved: "success", rejected: "error",
  withdrawn: "default", expired: "default",
};

export function StatusTag({ status }: { status: RequestStatus }) {
  const { t } = useTranslation("workflow");
  return (
    <Tag color={STATUS_COLORS[status]} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`status.${status}`, { defaultValue: status })}
    </Tag>
  );
}

/** Each precondition passed or failed, with its reason in words. */
export function PreconditionList({ items, testId = "preconditions" }: { items: Precondition[]; testId?: string }) {
  const words = useWords();
  return (
    <List
      size="small"
      data-testid={testId}
      dataSource={items}
      renderItem={(p) => (
        <List.Item data-code={p.code} data-passed={String(p.passed)} style={{ paddingInline: 0 }}>
          <Space align="start">
            {p.passed
              ? <CheckCircleFilled style={{ color: "#52c41a" }} aria-label="✓" />
              : <CloseCircleFilled style={{ color: "#ff4d4f" }} aria-label="✗" />}
            <Typography.Text type={p.passed ? undefined : "danger"}>{words.precondition(p)}</Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  );
}

/** The chain a request would follow (before it is made). */
export function ApproverChain({ steps }: { steps: CheckStep[] }) {
  const words = useWords();
  return (
    <Steps
      direction="vertical"
      size="small"
      current={-1}
      data-testid="approver-chain"
      items={steps.map((s, i) => ({ title: words.approver(s), status: "wait", key: i }))}
    />
  );
}

/** The approval steps of a request, each with who decided it and when. */
export function RequestSteps({ request }: { request: Pick<AccessRequest, "steps" | "status"> }) {
  const { t } = useTranslation("workflow");
  const words = useWords();
  const fmt = useFormat();
  const status = (s: RequestStep) => {
    if (s.state === "done") return "finish" as const;
    if (s.state === "current") return "process" as const;
    if (request.status === "rejected" && s.index === currentIndex) return "error" as const;
    return "wait" as const;
  };
  // a closed request's last step reached (rejected there, or withdrawn, or expired)
  const currentIndex = request.steps.find((s) => s.state !== "done")?.index ?? -1;
  return (
    <Steps
      direction="vertical"
      size="small"
      data-testid="request-steps"
      items={request.steps.map((s) => ({
        key: s.index,
        status: status(s),
        title: <span data-step={s.index} data-state={s.state}>{words.approver(s)}</span>,
        description: (
          <Space direction="vertical" size={0}>
            {s.escalated && <Tag color="orange">{t("approver.escalated")}</Tag>}
            {s.decided_by && (
              <Typography.Text type="secondary">
                {t("common.by", { name: personName(s.decided_by) })} · {fmt.dateTime(s.decided_at)}
              </Typography.Text>
            )}
          </Space>
        ),
      }))}
    />
  );
}

const DECISION_COLORS: Record<string, string> = {
  approved: "green", rejected: "red", changes_requested: "orange", withdrawn: "gray",
  resubmitted: "blue", escalated: "orange", expired: "gray",
};

/** What happened to a request, oldest first: who decided what, when and why. */
export function HistoryTimeline({ request, history }: {
  request: Pick<AccessRequest, "steps" | "status" | "requester" | "created_at" | "reason">;
  history: HistoryEntry[];
}) {
  const { t } = useTranslation("workflow");
  const fmt = useFormat();
  const last = request.steps.length - 1;
  const sentence = (h: HistoryEntry) => {
    if (h.decision === "escalated") return t("decision.escalated", { step: h.step + 1 });
    if (h.decision === "expired") return t("decision.expired");
    const who = h.actor ? personName(h.actor) : t("decision.system");
    const did = h.decision === "approved"
      ? (h.step === last && request.status === "approved" ? t("decision.approvedFinal")
        : t("decision.approved", { step: h.step + 1 }))
      : t(`decision.${h.decision}`, { defaultValue: h.decision });
    return `${who} ${did}`;
  };
  const items = [
    {
      key: "created",
      color: "blue",
      dot: <ClockCircleOutlined />,
      children: (
        <Space direction="vertical" size={0}>
          <Typography.Text>{personName(request.requester)} {t("decision.created")}</Typography.Text>
          <Typography.Text type="secondary">{fmt.dateTime(request.created_at)}</Typography.Text>
        </Space>
      ),
    },
    ...history.map((h, i) => ({
      key: i,
      color: DECISION_COLORS[h.decision] ?? "gray",
      dot: h.decision === "escalated" ? <ExclamationCircleOutlined /> : undefined,
      children: (
        <Space direction="vertical" size={0} data-decision={h.decision}>
          <Typography.Text>{sentence(h)}</Typography.Text>
          {h.reason && <Typography.Text italic>“{h.reason}”</Typography.Text>}
          <Typography.Text type="secondary">{fmt.dateTime(h.at)}</Typography.Text>
        </Space>
      ),
    })),
  ];
  return <Timeline data-testid="request-history" items={items} />;
}
