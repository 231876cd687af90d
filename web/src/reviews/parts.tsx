// Small pieces the review screens share: a person's name, what a grant is, an item's
// outcome, a campaign's progress, its scope and its deadline behaviour, in words.

import { Progress as Bar, Space, Tag, Tooltip, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { departmentName, roleName } from "../access/directory";
import { useDepartments, useRoles } from "../access/pickers";
import { objectLabel } from "../catalog/labels";
import { useFormat } from "../i18n/format";
import "./i18n";
import type { Campaign, Grant, Item, Outcome, Person, Progress } from "./types";

export function personName(p: Person | null | undefined): string {
  if (!p) return "—";
  return p.display_name ? `${p.display_name} (${p.username})` : p.username;
}

export function PersonText({ person }: { person: Person | null | undefined }) {
  const { t } = useTranslation("reviews");
  if (!person) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <span>
      {person.display_name ?? person.username}{" "}
      <Typography.Text type="secondary">({person.username})</Typography.Text>
      {person.active === false && <Tag style={{ marginInlineStart: 6 }}>{t("person.inactive")}</Tag>}
    </span>
  );
}

export function grantRoleName(g: Grant, lang: string): string {
  const zh = lang.toLowerCase().startsWith("zh");
  return (zh ? g.role_name : g.role_name_en || g.role_name) ?? g.role_key ?? `#${g.role_id ?? "?"}`;
}

/** What the item reviews: a role, or a share of one record (its name only when the reader
 * may see it now: a share "no longer recognised" shows its object and number). */
export function GrantText({ item }: { item: Item }) {
  const { t, i18n } = useTranslation("reviews");
  const fmt = useFormat();
  const g = item.grant;
  const until = g.expires_at
    ? <Typography.Text type="secondary"> · {t("grant.until", { date: fmt.dateTime(g.expires_at) })}</Typography.Text>
    : null;
  if (item.kind === "assignment") {
    return (
      <span data-grant="role" data-role={g.role_key ?? undefined}>
        <Tag color="blue">{t("grant.role")}</Tag>
        {grantRoleName(g, i18n.language)}
        {until}
      </span>
    );
  }
  const object = g.object ? objectLabel(g.object, i18n.language) : "?";
  return (
    <span data-grant="share" data-share={g.share_id ?? undefined}>
      <Tag color="purple">{t("grant.share")}</Tag>
      {t("grant.record", { object, id: g.record_id ?? "?" })}
      {g.record_name ? <> · <Typography.Text strong>{g.record_name}</Typography.Text></>
        : (
          <Tooltip title={t("grant.nameHiddenHint")}>
            <Typography.Text type="secondary"> · {t("grant.nameHidden")}</Typography.Text>
          </Tooltip>
        )}
      {g.access && <Typography.Text type="secondary"> · {t(`grant.access.${g.access}`, { defaultValue: g.access })}</Typography.Text>}
      {until}
    </span>
  );
}

const OUTCOME_COLORS: Record<Outcome, string> = {
  certified: "green", revoked: "red", gone: "default", kept_at_deadline: "cyan",
  revoked_at_deadline: "volcano", kept_at_close: "cyan", revoked_at_close: "volcano",
};

export function OutcomeTag({ outcome }: { outcome: Outcome | null }) {
  const { t } = useTranslation("reviews");
  if (!outcome) return <Tag color="gold" data-outcome="pending">{t("outcome.pending")}</Tag>;
  return (
    <Tooltip title={t(`outcomeHint.${outcome}`)}>
      <Tag color={OUTCOME_COLORS[outcome]} data-outcome={outcome}>{t(`outcome.${outcome}`)}</Tag>
    </Tooltip>
  );
}

/** Decided share of the items as a bar, certified green and revoked red. */
export function ProgressBar({ progress, width }: { progress: Progress; width?: number }) {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  const { total, pending } = progress;
  const done = total - pending;
  const percent = total ? Math.round((done / total) * 100) : 100;
  const revoked = total ? Math.round(((progress.outcomes.revoked + progress.outcomes.revoked_at_deadline
    + progress.outcomes.revoked_at_close) / total) * 100) : 0;
  return (
    <Tooltip title={t("progress.tooltip", {
      done: fmt.number(done), total: fmt.number(total), certified: fmt.number(progress.certified),
      revoked: fmt.number(progress.revoked), pending: fmt.number(pending),
    })}>
      <div style={{ width: width ?? "100%", minWidth: 120 }} data-progress={`${done}/${total}`}>
        <Bar percent={percent} success={{ percent: Math.max(percent - revoked, 0) }}
             strokeColor="#ff7875" size="small"
             format={() => `${fmt.number(done)}/${fmt.number(total)}`} />
      </div>
    </Tooltip>
  );
}

export function ScopeText({ campaign }: { campaign: Pick<Campaign, "scope"> }) {
  const { t, i18n } = useTranslation("reviews");
  const departments = useDepartments();
  const roles = useRoles();
  const { scope } = campaign;
  if (scope.kind === "all") return <>{t("scope.allText")}</>;
  if (scope.kind === "department") {
    const d = departments.items.find((x) => x.id === scope.department_id);
    return <>{t("scope.departmentText", { name: d ? departmentName(d, i18n.language) : `#${scope.department_id}` })}</>;
  }
  const names = scope.role_ids.map((id) => {
    const r = roles.items.find((x) => x.id === id);
    return r ? roleName(r, i18n.language) : `#${id}`;
  });
  return <>{t("scope.rolesText", { names: names.join(t("separator")) })}</>;
}

export function DeadlineText({ campaign }: { campaign: Pick<Campaign, "deadline" | "on_deadline" | "status"> }) {
  const { t } = useTranslation("reviews");
  const fmt = useFormat();
  return (
    <Space size={4} wrap>
      <span>{fmt.dateTime(campaign.deadline)}</span>
      {campaign.status === "open" && campaign.deadline && (
        <Typography.Text type="secondary">({fmt.relative(campaign.deadline)})</Typography.Text>
      )}
      <Tag color={campaign.on_deadline === "revoke" ? "volcano" : "default"}>
        {t(`onDeadline.${campaign.on_deadline}`)}
      </Tag>
    </Space>
  );
}

export function StatusTag({ campaign }: { campaign: Pick<Campaign, "status" | "closed_early"> }) {
  const { t } = useTranslation("reviews");
  if (campaign.status === "open") return <Tag color="processing">{t("status.open")}</Tag>;
  return <Tag>{t(campaign.closed_early ? "status.closedEarly" : "status.closed")}</Tag>;
}
