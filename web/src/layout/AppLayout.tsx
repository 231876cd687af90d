// The signed-in frame: side menu (screens this user has), header (what waits for the user
// and their notifications, language, the user, sign-out) and the current screen.

import {
  LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, UserOutlined,
} from "@ant-design/icons";
import { Avatar, Button, Dropdown, Grid, Layout, Menu, Space, Typography, theme } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useLocation, useNavigate } from "react-router-dom";

import { useAuth, useMe } from "../auth/AuthContext";
import { useCatalog } from "../catalog/CatalogContext";
import { navigation } from "../routes";
import type { MenuItem } from "../routes";
import HeaderTray from "../workflow/HeaderTray";
import styles from "./AppLayout.module.css";
import { LanguageSwitch } from "./LanguageSwitch";
import { Lazy } from "./Lazy";
import { Logo } from "./Logo";

/** Every path key in the menu, groups included. */
function keysOf(items: MenuItem[]): string[] {
  return items.flatMap((item) => {
    if (!item) return [];
    const children = "children" in item && item.children ? keysOf(item.children) : [];
    return typeof item.key === "string" ? [item.key, ...children] : children;
  });
}

/** The label of the menu entry with this key, when it is plain text. */
function labelOf(items: MenuItem[], key: string): string | null {
  for (const item of items) {
    if (!item) continue;
    if (item.key === key && "label" in item && typeof item.label === "string") return item.label;
    const inner = "children" in item && item.children ? labelOf(item.children, key) : null;
    if (inner) return inner;
  }
  return null;
}

export default function AppLayout() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { logout } = useAuth();
  const { objects } = useCatalog();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState<boolean | null>(null);
  const { token } = theme.useToken();
  const narrow = screens.lg === false; // unknown on the first render: assume wide
  const folded = collapsed ?? narrow;

  const items = useMemo(() => navigation({ me, objects, language: i18n.language, t }),
                        [me, objects, i18n.language, t]);
  const selected = useMemo(() => {
    const paths = keysOf(items).filter((k) => k.startsWith("/"));
    const match = paths.filter((p) => pathname === p || pathname.startsWith(`${p}/`))
      .sort((a, b) => b.length - a.length)[0];
    return match ? [match] : [];
  }, [items, pathname]);

  // The tab says where the user is ("客户 · Vouch CRM"), in the current language.
  const screenName = selected[0] ? labelOf(items, selected[0]) : null;
  useEffect(() => {
    document.title = screenName ? `${screenName} · ${t("app.title")}` : t("app.title");
  }, [screenName, t]);

  const userMenu = {
    items: [
      { key: "account", icon: <UserOutlined />, label: t("header.account") },
      { type: "divider" as const },
      { key: "logout", icon: <LogoutOutlined />, label: t("header.signOut"), danger: true },
    ],
    onClick: ({ key }: { key: string }) => {
      if (key === "account") navigate("/account");
      if (key === "logout") void logout().then(() => navigate("/login", { replace: true }));
    },
  };

  return (
    <Layout className={styles.root}>
      <Layout.Sider collapsible collapsed={folded} onCollapse={setCollapsed} trigger={null}
                    width={220} collapsedWidth={64} theme="light" className={styles.sider}>
        <Link to="/" className={styles.brand} aria-label={t("app.title")}>
          <Logo />
          {!folded && <span className={styles.brandName}>{t("app.name")}</span>}
        </Link>
        <nav aria-label={t("app.title")}>
          <Menu mode="inline" items={items} selectedKeys={selected}
                onClick={({ key }) => key.startsWith("/") && navigate(key)}
                className={styles.menu} data-testid="side-menu" />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className={styles.header}
                       style={{ background: token.colorBgContainer,
                                borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Button type="text" onClick={() => setCollapsed(!folded)}
                  icon={folded ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
                  aria-label={t(folded ? "menu.expand" : "menu.collapse")} />
          <Space size="middle">
            <HeaderTray />
            <LanguageSwitch />
            <Dropdown menu={userMenu} trigger={["click"]}>
              <Button type="text" aria-label={t("header.userMenu")} data-testid="user-menu"
                      className={styles.user}>
                <Avatar size="small" icon={<UserOutlined />}
                        style={{ backgroundColor: token.colorPrimary }} />
                <Typography.Text data-testid="user-name">{me.display_name}</Typography.Text>
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content className={styles.content}>
          <main>
            <Lazy><Outlet /></Lazy>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
