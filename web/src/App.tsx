import { Button, Result, Spin } from "antd";
import { useTranslation } from "react-i18next";
import { Navigate, RouterProvider, createBrowserRouter, useLocation, useRoutes } from "react-router-dom";

import { describeError } from "./api/client";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import LoginPage from "./auth/LoginPage";
import { CatalogProvider } from "./catalog/CatalogContext";
import { LanguageProvider } from "./i18n/LanguageProvider";
import AppLayout from "./layout/AppLayout";
import { Loading } from "./layout/Lazy";
import { shellRoutes } from "./routes";

function CatalogFallback({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = useTranslation();
  if (!error) return <Loading />;
  return (
    <Result status="warning" title={t("shell.loadFailed")} subTitle={describeError(error, t)}
            extra={<Button type="primary" onClick={retry}>{t("shell.retry")}</Button>} />
  );
}

/** The signed-in part: a visitor who is not signed in goes to /login and comes back. */
function SignedIn() {
  const auth = useAuth();
  const location = useLocation();
  const shell = useRoutes([{ path: "/", element: <AppLayout />, children: shellRoutes }]);
  if (auth.status === "loading") {
    return <div style={{ padding: 120, textAlign: "center" }}><Spin size="large" /></div>;
  }
  if (auth.status === "signed_out") {
    return <Navigate to="/login" replace
                     state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return (
    <CatalogProvider key={auth.me?.id}
                     fallback={(error, retry) => <CatalogFallback error={error} retry={retry} />}>
      {shell}
    </CatalogProvider>
  );
}

// A data router (not <BrowserRouter>): forms use its navigation blocker to ask before
// unsaved changes are left behind.
const router = createBrowserRouter([
  { path: "/login", element: <LoginPage /> },
  { path: "*", element: <SignedIn /> },
]);

export default function App() {
  return (
    <LanguageProvider>
      <AuthProvider>
        <RouterProvider router={router} />
      </AuthProvider>
    </LanguageProvider>
  );
}
