// An explanation: allowed or denied (and at which layer), then every layer the engine
// checked — identity, function, record, restriction, field — with its reason and what
// made it so.

import { CheckCircleFilled, CloseCircleFilled } from "@ant-design/icons";
import { Alert, Card, Steps, Typography } from "antd";
import { useTranslation } from "react-i18next";

import { useCatalog } from "../catalog/CatalogContext";
import { fieldLabel } from "../catalog/labels";
import { sayReason } from "./explainText";
import "./i18n";
import { useRoleLabel } from "./names";
import type { Explanation, LayerResult } from "./types";

function Reason({ text }: { text: string }) {
  const { t, i18n } = useTranslation("access");
  const role = useRoleLabel();
  const said = sayReason(text, t, i18n.language, role);
  return (
    <>
      <Typography.Text>{said.text}</Typography.Text>
      {said.translated && i18n.language !== "en" && (
        <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
          {t("explain.engineSays")}{text}
        </Typography.Text>
      )}
    </>
  );
}

function LayerBody({ layer }: { layer: LayerResult }) {
  const { t } = useTranslation("access");
  return (
    <div data-layer={layer.layer} data-allowed={String(layer.allowed)} style={{ paddingBottom: 8 }}>
      <Reason text={layer.reason} />
      {layer.sources.length > 0 && (
        <div style={{ marginTop: 4 }}>
          <Typography.Text type="secondary">{t("explain.because")}</Typography.Text>
          <ul style={{ margin: "2px 0 0", paddingInlineStart: 20 }}>
            {layer.sources.map((s, i) => <li key={i}><Reason text={s} /></li>)}
          </ul>
        </div>
      )}
    </div>
  );
}

export default function ExplainResult({ result, userName }: { result: Explanation; userName: string }) {
  const { t, i18n } = useTranslation("access");
  const catalog = useCatalog();
  const lang = i18n.language;
  const obj = result.object ? catalog.object(result.object) : undefined;
  const what = result.permission
    ? t(`common:permissions.${result.permission}`, { defaultValue: result.permission })
    : [
        t(`common:actions.${result.action ?? ""}`, { defaultValue: result.action ?? "" }),
        obj ? catalog.label(obj) : result.object,
        result.record_id ? `#${result.record_id}` : "",
        result.field ? `· ${fieldLabel(result.object, result.field, lang)}` : "",
      ].filter(Boolean).join(" ");
  const denied = result.first_denied;
  const headline = result.allowed
    ? t("explain.allowed", { user: userName, what })
    : t("explain.denied", { user: userName, what, layer: t(`layer.${denied ?? "function"}`) });

  return (
    <Card data-testid="explain-result" data-allowed={String(result.allowed)} data-first-denied={denied ?? ""}>
      <Alert
        type={result.allowed ? "success" : "error"}
        showIcon
        message={<Typography.Text strong style={{ fontSize: 16 }}>{headline}</Typography.Text>}
        description={result.allowed ? t("explain.allowedHint") : t("explain.deniedHint")}
        style={{ marginBottom: 24 }}
      />
      <Steps
        direction="vertical"
        size="small"
        items={result.layers.map((layer) => ({
          title: (
            <Typography.Text strong>
              {t(`layer.${layer.layer}`)}
              {" · "}
              {t(layer.allowed ? "explain.pass" : "explain.fail")}
              {layer.layer === denied && <Typography.Text type="danger">{t("explain.decisive")}</Typography.Text>}
            </Typography.Text>
          ),
          status: layer.allowed ? "finish" : "error",
          icon: layer.allowed
            ? <CheckCircleFilled style={{ color: "#52c41a" }} />
            : <CloseCircleFilled style={{ color: "#ff4d4f" }} />,
          description: <LayerBody layer={layer} />,
        }))}
      />
    </Card>
  );
}
