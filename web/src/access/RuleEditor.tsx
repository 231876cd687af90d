// Create or change a sharing or restriction rule: name, object, condition (built, not
// typed), principals, access (sharing rules), active flag, description, and the reason.
// A 422 lands on what it names: a condition row, a principal, or a form field.

import { Alert, Button, Drawer, Form, Input, Radio, Select, Switch, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, api, describeError } from "../api/client";
import { typedErrorText } from "../api/errorText";
import { useCatalog } from "../catalog/CatalogContext";
import ImpactView from "../whatif/ImpactView";
import type { WhatIfChange } from "../whatif/types";
import { useImpact } from "../whatif/useImpact";
import ConditionBuilder from "./condition/ConditionBuilder";
import { localProblems, parseRoot, problemAt, toJson } from "./condition/model";
import { conditionMessage } from "./condition/serverMessages";
import type { GroupNode, Problems } from "./condition/model";
import "./i18n";
import PrincipalsEditor from "./PrincipalsEditor";
import type { Principal, Rule, RuleKind, ShareAccess } from "./types";

interface Props {
  kind: RuleKind;
  /** The rule to change, or null for a new one. */
  rule: Rule | null;
  /** The object a new rule starts with. */
  defaultObject: string | undefined;
  open: boolean;
  onClose: () => void;
  onSaved: (rule: Rule) => void;
}

interface Values {
  name: string;
  object: string;
  access: ShareAccess;
  principals: Principal[];
  active: boolean;
  description: string;
  reason: string;
}

const FORM_FIELDS = ["name", "object", "access", "active", "description", "reason"] as const;

export function rulePath(kind: RuleKind, id?: number): string {
  const base = kind === "sharing" ? "/sharing-rules" : "/restriction-rules";
  return id === undefined ? base : `${base}/${id}`;
}

export default function RuleEditor(props: Props) {
  // a fresh form (and builder tree) for every rule opened
  return props.open ? <Editor key={props.rule?.id ?? "new"} {...props} /> : null;
}

function Editor({ kind, rule, defaultObject, open, onClose, onSaved }: Props) {
  const { t, i18n } = useTranslation("access");
  const catalog = useCatalog();
  const [form] = Form.useForm<Values>();
  const objectName = Form.useWatch("object", form) ?? rule?.object ?? defaultObject;
  const obj = catalog.object(objectName);
  const parsed = useMemo(() => parseRoot(rule?.condition ?? null), [rule]);
  const [root, setRoot] = useState<GroupNode | null>(parsed);
  const [problems, setProblems] = useState<Problems>(new Map());
  const [principalProblems, setPrincipalProblems] = useState<Map<number, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState(false);
  const impact = useImpact();

  const initial: Values = {
    name: rule?.name ?? "",
    object: rule?.object ?? defaultObject ?? catalog.objects[0]?.name ?? "",
    access: rule?.access ?? "read",
    principals: rule?.principals ?? [{ kind: "role", id: null }],
    active: rule?.active ?? true,
    description: rule?.description ?? "",
    reason: "",
  };

  const showError = (err: unknown, paths: Map<string, string>) => {
    if (err instanceof ApiError && err.code === "conflict") {
      setStale(true);
      setError(t("rules.stale"));
      return;
    }
    const field = err instanceof ApiError && typeof err.details.field === "string" ? err.details.field : null;
    const message = err instanceof ApiError ? err.message.replace(/^[^:]*: /, "") : "";
    // the refusal by its type and parameters where the API gives one, else its own words
    const said = (err instanceof ApiError && typedErrorText(err.type, err.details, t, i18n.language))
      || t("builder.problem.server", { message });
    if (field?.startsWith("condition")) {
      const found = problemAt(paths, field, conditionMessage(message, t) ?? message);
      if (found) {
        found[1].original = message;
        setProblems(new Map([found]));
        setError(t("rules.conditionRefused"));
        return;
      }
    }
    const principal = field ? /^principals\[(\d+)\]/.exec(field) : null;
    if (principal?.[1] !== undefined) {
      setPrincipalProblems(new Map([[Number(principal[1]), said]]));
      setError(t("rules.principalRefused"));
      return;
    }
    const formField = FORM_FIELDS.find((f) => f === field);
    if (formField) {
      form.setFields([{ name: formField, errors: [said] }]);
    }
    setError(describeError(err, t));
  };

  /** The request saving sends (the what-if asks about exactly this one), or null when
   * the form is not complete (the problems are shown). */
  const requestOf = (v: Values): { change: WhatIfChange; paths: Map<string, string> } | null => {
    if (!root) return null;
    const found = localProblems(root);
    setProblems(found);
    const missing = new Map(v.principals.flatMap((p, i) => (
      p.kind !== "all" && typeof p.id !== "number" ? [[i, t("principal.choose")] as [number, string]] : [])));
    setPrincipalProblems(missing);
    if (found.size || missing.size || v.principals.length === 0) {
      setError(t(v.principals.length === 0 ? "rules.noPrincipals" : "rules.incomplete"));
      return null;
    }
    const { json, paths } = toJson(root);
    const body: Record<string, unknown> = {
      name: v.name.trim(),
      condition: json,
      principals: v.principals.map((p) => (p.kind === "all" ? { kind: "all" } : { kind: p.kind, id: p.id })),
      active: v.active,
      description: v.description.trim() || null,
      reason: v.reason.trim(),
    };
    if (kind === "sharing") body.access = v.access;
    const change: WhatIfChange = rule
      ? { kind: `${kind}_rule`, op: "update", id: rule.id, body: { ...body, version: rule.version } }
      : { kind: `${kind}_rule`, op: "create", body: { ...body, object: v.object } };
    return { change, paths };
  };

  const submit = async (v: Values) => {
    const request = requestOf(v);
    if (!request) return;
    const { change, paths } = request;
    setBusy(true);
    setError(null);
    try {
      const saved = change.op === "update"
        ? await api.patch<Rule>(rulePath(kind, rule?.id), change.body)
        : await api.post<Rule>(rulePath(kind), change.body);
      onSaved(saved);
    } catch (err) {
      showError(err, paths);
    } finally {
      setBusy(false);
    }
  };

  // "Preview impact": the form checked as for saving, then the what-if of that request.
  const preview = async () => {
    const v = await form.validateFields().catch(() => null);
    const request = v && requestOf(v);
    if (!request) return;
    setError(null);
    try {
      await impact.run(request.change);
      document.getElementById("rule-impact")?.scrollIntoView({ block: "start" });
    } catch (err) {
      showError(err, request.paths);
    }
  };

  const title = rule
    ? t(`rules.editTitle.${kind}`, { name: rule.name })
    : t(`rules.newTitle.${kind}`);

  return (
    <Drawer
      open={open}
      title={title}
      width={880}
      onClose={onClose}
      destroyOnHidden
      footer={
        <div style={{ display: "flex", alignItems: "center", gap: 8 }}>
          <div style={{ flex: 1, minWidth: 0 }}>
            {error && <Alert type="error" showIcon message={error} data-testid="rule-error"
                             style={{ padding: "4px 12px" }} />}
          </div>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button onClick={() => void preview()} loading={impact.loading && !impact.answer}
                  disabled={stale || !root} data-testid="preview-impact">
            {t("whatif:preview")}
          </Button>
          <Button type="primary" loading={busy} disabled={stale || !root} onClick={() => form.submit()}
                  data-action="save-rule">
            {t("common.save")}
          </Button>
        </div>
      }
    >
      <div data-testid="rule-editor" data-kind={kind}>
      {!root && <Alert type="warning" showIcon message={t("rules.notBuildable")} style={{ marginBottom: 16 }}
                       description={<Typography.Text code>{JSON.stringify(rule?.condition)}</Typography.Text>} />}
      <Form<Values> form={form} layout="vertical" name="rule" initialValues={initial} onFinish={submit}
                    scrollToFirstError
                    onValuesChange={(changed: object) => {
                      // another rule than the one previewed: its answer no longer holds
                      if (Object.keys(changed).some((k) => k !== "reason")) impact.clear();
                    }}>
        <div style={{ display: "flex", flexWrap: "wrap", gap: 16 }}>
          <Form.Item name="name" label={t("rules.name")} style={{ flex: "2 1 260px" }}
                     rules={[{ required: true, whitespace: true, message: t("rules.nameRequired") }]}>
            <Input maxLength={100} id="rule-name" />
          </Form.Item>
          <Form.Item name="object" label={t("rules.object")} style={{ flex: "1 1 180px" }}
                     extra={rule ? undefined : t("rules.objectHint")}>
            <Select
              id="rule-object"
              disabled={!!rule}
              showSearch
              optionFilterProp="label"
              options={catalog.objects.map((o) => ({ value: o.name, label: catalog.label(o) }))}
              onChange={() => { setRoot(parseRoot(null)); setProblems(new Map()); }}
            />
          </Form.Item>
          <Form.Item name="active" label={t("rules.active")} valuePropName="checked">
            <Switch id="rule-active" />
          </Form.Item>
        </div>
        {kind === "sharing" && (
          <Form.Item name="access" label={t("rules.access")}>
            <Radio.Group options={[
              { value: "read", label: t("rules.accessRead") },
              { value: "read_write", label: t("rules.accessReadWrite") },
            ]} />
          </Form.Item>
        )}
        <Form.Item label={t(`rules.conditionLabel.${kind}`)} required>
          {root && <ConditionBuilder obj={obj} value={root} onChange={(next) => {
            setRoot(next);
            impact.clear();
            if (problems.size) { setProblems(new Map()); setError(null); }
          }}
                                     problems={problems} />}
        </Form.Item>
        <Form.Item name="principals" label={t(`rules.principalsLabel.${kind}`)} required>
          <PrincipalsEditor problems={principalProblems} />
        </Form.Item>
        <Form.Item name="description" label={t("rules.description")}>
          <Input.TextArea id="rule-description" rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item name="reason" label={t("common.reason")} extra={t("common.reasonHint")}
                   rules={[{ required: true, whitespace: true, message: t("common.reasonRequired") }]}>
          <Input.TextArea id="rule-reason" rows={2} maxLength={2000} showCount />
        </Form.Item>
      </Form>
      <div id="rule-impact"><ImpactView impact={impact} /></div>
      </div>
    </Drawer>
  );
}
