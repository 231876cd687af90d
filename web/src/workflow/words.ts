// Requests, approver steps, preconditions, refusals and notifications said in the user's
// language from the API's codes and parameters (the API's English messages are for logs
// and API users; they are shown only for a code this console does not know).

import type { TFunction } from "i18next";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";

import { departmentName, roleName } from "../access/directory";
import { useDepartments } from "../access/pickers";
import { fieldLabel, objectLabel } from "../catalog/labels";
import { formatters } from "../i18n/format";
import type { Department } from "../api/types";
import "./i18n";
import { preconditionText } from "./preconditionText";
import type {
  AccessRequest, CheckStep, Notification, Precondition, RequestStep, RoleBrief, UserBrief,
} from "./types";

export function personName(u: UserBrief | null | undefined): string {
  if (!u) return "—";
  return u.display_name || u.username;
}

type Subject = Pick<AccessRequest, "kind" | "role" | "object" | "record_id" | "access"> & {
  record_name?: string | null;
  beneficiary?: UserBrief | null;
  context?: AccessRequest["context"];
};

export class Words {
  constructor(readonly t: TFunction, readonly lang: string,
              private readonly departments: Department[]) {}

  private fmt = () => formatters(this.lang);

  role(r: Pick<RoleBrief, "name" | "name_en"> | null | undefined, fallback = "?"): string {
    return r ? roleName(r, this.lang) : fallback;
  }

  object(name: string | null | undefined, lower = true): string {
    return name ? objectLabel(name, this.lang, { lower }) : "?";
  }

  action(name: string | null | undefined): string {
    return name ? this.t(`common:actions.${name}`, { defaultValue: name }) : "";
  }

  permission(name: string | null | undefined): string {
    return name ? this.t(`common:permissions.${name}`, { defaultValue: name }) : "";
  }

  access(access: string | null | undefined): string {
    return access ? this.t(`workflow:what.access.${access}`, { defaultValue: access }) : "";
  }

  /** What a problem report is about: an action on an object, a field, a record, a permission. */
  about(ctx: AccessRequest["context"] | undefined): string | null {
    if (!ctx) return null;
    const { object, action, field, record_id: record } = ctx;
    if (action && !object) return this.t("workflow:about.permission", { permission: this.permission(action) });
    if (!object) return null;
    if (field) {
      return this.t("workflow:about.field", { field: fieldLabel(object, field, this.lang), object: this.object(object) });
    }
    const base = action
      ? this.t("workflow:about.objectAction", { action: this.action(action), object: this.object(object) })
      : this.t("workflow:about.object", { object: this.object(object, false) });
    return record ? `${base} · ${this.t("workflow:about.record", { object: this.object(object, false), id: record })}` : base;
  }

  /** What a request asks for, in one phrase. */
  what(r: Subject): string {
    switch (r.kind) {
      case "role":
        return this.t("workflow:what.role", { role: this.role(r.role) });
      case "grant":
        return this.t("workflow:what.grant", { role: this.role(r.role), user: personName(r.beneficiary) });
      case "record": {
        const values = { access: this.access(r.access), object: this.object(r.object), id: r.record_id ?? "?",
                         name: r.record_name };
        return this.t(r.record_name ? "workflow:what.recordNamed" : "workflow:what.record", values);
      }
      case "problem": {
        const about = this.about(r.context);
        return about ? this.t("workflow:what.problemAbout", { about }) : this.t("workflow:what.problem");
      }
      default:
        return String(r.kind);
    }
  }

  /** What a request asks for, as a title (a capital first letter in English). */
  title(r: Subject): string {
    const text = this.what(r);
    return text.charAt(0).toLocaleUpperCase(this.lang) + text.slice(1);
  }

  /** For how long the access is asked: days from approval, until a date, or no end. */
  duration(r: Pick<AccessRequest, "days" | "ends_at" | "status">): string {
    if (r.days && r.status !== "approved") return this.t("workflow:duration.days", { count: r.days });
    if (r.ends_at) return this.t("workflow:duration.until", { date: this.fmt().dateTime(r.ends_at) });
    return this.t("workflow:duration.none");
  }

  /** Who decides a step: a named person when the step resolved to one. */
  approver(s: RequestStep | CheckStep): string {
    const name = s.user ? personName(s.user) : null;
    switch (s.approver) {
      case "manager":
      case "department_head":
        return name ? this.t(`workflow:approver.${s.approver}Named`, { name })
          : this.t(`workflow:approver.${s.approver}`);
      case "permission":
        return this.t("workflow:approver.permission", { permission: this.permission(s.permission) });
      case "role":
        return this.t("workflow:approver.role", { role: this.role(s.role) });
      case "record_sharer":
        return this.t("workflow:approver.record_sharer");
      default:
        return name ?? this.t("workflow:approver.unknown");
    }
  }

  refusal(reason: string): string {
    return this.t(`workflow:refusal.${reason}`, {
      defaultValue: this.t("workflow:refusal.other", { reason }),
    });
  }

  /** One precondition in words, by its code and parameters. */
  precondition(p: Pick<Precondition, "code" | "params" | "message">): string {
    return preconditionText(p, this.t, this.lang, (id) => {
      const d = this.departments.find((x) => x.id === id);
      return d ? departmentName(d, this.lang) : `#${id}`;
    });
  }

  /** A notification's sentence. */
  notification(n: Notification, roles: RoleBrief[] = []): string {
    const p = n.payload ?? {};
    const role = p.role ?? (p.role_id ? roles.find((r) => r.id === p.role_id) ?? null : null);
    if (n.kind === "access.ending_soon") {
      const when = this.fmt().relative(p.expires_at);
      return p.kind === "share"
        ? this.t("workflow:notifications.kinds.access_ending_soon_share", {
          object: this.object(p.object), id: p.record_id ?? "?", when,
        }, )
        : this.t("workflow:notifications.kinds.access_ending_soon_role", { role: this.role(role), when });
    }
    if (n.kind === "review.assigned") {
      return this.t("workflow:notifications.kinds.review_assigned", {
        campaign: p.campaign_name ?? "?", count: p.items ?? 0, date: this.fmt().dateTime(p.deadline),
      });
    }
    const what = this.what({
      kind: p.request_kind ?? "role", role, object: p.object ?? null, record_id: p.record_id ?? null,
      access: (p as { access?: AccessRequest["access"] }).access ?? null, beneficiary: p.beneficiary ?? null,
      context: { object: p.object ?? null },
    });
    const values = {
      requester: personName(p.requester), what, reason: p.reason ?? "",
      step: (typeof (p as { step?: number }).step === "number" ? (p as { step: number }).step : 0),
    };
    if (n.kind === "request.to_approve" && p.escalated) {
      return this.t("workflow:notifications.kinds.request_to_approve_escalated", values);
    }
    const key = `workflow:notifications.kinds.${n.kind.replace(".", "_")}`;
    return this.t(key, { ...values, defaultValue: this.t("workflow:notifications.kinds.other", { kind: n.kind }) });
  }
}

/** The wording helpers for the current language (department names arrive once loaded). */
export function useWords(): Words {
  const { t, i18n } = useTranslation("workflow");
  const { items } = useDepartments();
  return useMemo(() => new Words(t, i18n.language, items), [t, i18n.language, items]);
}
