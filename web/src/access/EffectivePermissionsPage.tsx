// `/access/permissions?user=<id or username>`: anyone's effective permissions, for those
// who may read access configuration (manage_roles or view_audit).

import { QuestionCircleOutlined } from "@ant-design/icons";
import { Alert, Button, Space, Spin, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router-dom";

import { api, describeError } from "../api/client";
import AccessMatrixView from "./AccessMatrixView";
import type { ReportAbout } from "./AccessMatrixView";
import { CONFIG_READERS } from "./constants";
import Gate from "./Gate";
import "./i18n";
import { explainHref } from "./paths";
import { UserSelect } from "./pickers";
import type { AccessMatrix } from "./types";

function useMatrix(path: string, user: string | null) {
  const [matrix, setMatrix] = useState<AccessMatrix | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      setMatrix(await api.get<AccessMatrix>(path, user ? { user } : undefined));
      setError(null);
    } catch (err) {
      setMatrix(null);
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [path, user]);
  return { matrix, error, loading, load };
}

export function MatrixBody({ path, user, onReport }: { path: string; user: string | null;
                                                       onReport?: (about: ReportAbout) => void }) {
  const { t } = useTranslation("access");
  const { matrix, error, loading, load } = useMatrix(path, user);
  useEffect(() => { void load(); }, [load]);
  if (error !== null) {
    return <Alert type="error" showIcon message={describeError(error, t)}
                  action={<Button size="small" onClick={() => void load()}>{t("common.retry")}</Button>} />;
  }
  if (!matrix) return loading ? <Spin style={{ display: "block", padding: 48 }} /> : null;
  return <AccessMatrixView matrix={matrix} onReport={onReport} />;
}

export default function EffectivePermissionsPage() {
  return <Gate anyOf={CONFIG_READERS}><PermissionsScreen /></Gate>;
}

function PermissionsScreen() {
  const { t } = useTranslation("access");
  const [params, setParams] = useSearchParams();
  const user = params.get("user");
  const numeric = user && /^\d+$/.test(user) ? Number(user) : null;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }} data-testid="permissions-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t("matrix.title")}</Typography.Title>
      <Space wrap>
        <UserSelect<number | null>
          aria-label={t("matrix.chooseUser")}
          inactive
          style={{ width: 320 }}
          value={numeric}
          placeholder={user && !numeric ? user : t("matrix.chooseUser")}
          onChange={(id) => setParams(id ? { user: String(id) } : {})}
        />
        {user && (
          <Link to={explainHref({ user })}><QuestionCircleOutlined /> {t("matrix.explainFor")}</Link>
        )}
      </Space>
      {user ? <MatrixBody key={user} path="/access/matrix" user={user} />
        : <Typography.Text type="secondary">{t("matrix.pickHint")}</Typography.Text>}
    </Space>
  );
}
