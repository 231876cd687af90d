import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router-dom";

import { ApiError, describeError } from "../api/client";
import { LanguageSwitch } from "../layout/LanguageSwitch";
import { Logo } from "../layout/Logo";
import { useAuth } from "./AuthContext";
import styles from "./LoginPage.module.css";

interface Values {
  username: string;
  password: string;
}

/** Where to go after signing in: the page that sent the user here, if it was ours. */
function destination(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//")
    && from !== "/login" ? from : "/";
}

export default function LoginPage() {
  const { t } = useTranslation();
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (auth.status === "signed_in") return <Navigate to={destination(location.state)} replace />;

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      await auth.login(values.username.trim(), values.password);
      navigate(destination(location.state), { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  let message: string | null = null;
  if (error instanceof ApiError && error.code === "not_authenticated") message = t("login.failed");
  else if (error) message = describeError(error, t);
  const notice = !error && auth.reason
    ? t(auth.reason === "signed_out" ? "login.signedOut" : "login.sessionEnded") : null;

  return (
    <div className={styles.page}>
      <div className={styles.language}><LanguageSwitch /></div>
      <Card className={styles.card} variant="borderless">
        <div className={styles.brand}>
          <Logo size={40} />
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>{t("login.title")}</Typography.Title>
            <Typography.Text type="secondary">{t("app.tagline")}</Typography.Text>
          </div>
        </div>
        {message && <Alert type="error" showIcon message={message} role="alert"
                           className={styles.alert} data-testid="login-error" />}
        {notice && <Alert type="info" showIcon message={notice} className={styles.alert} />}
        <Form<Values> layout="vertical" requiredMark={false} onFinish={submit}
                      disabled={busy} size="large">
          <Form.Item name="username" label={t("login.username")}
                     rules={[{ required: true, whitespace: true,
                               message: t("login.usernameRequired") }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t("login.password")}
                     rules={[{ required: true, message: t("login.passwordRequired") }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
