import { useTranslation } from "react-i18next";
import { Navigate } from "react-router-dom";

import { useMe } from "../auth/AuthContext";
import { useCatalog } from "../catalog/CatalogContext";
import { startPath } from "../routes";

/** "/": the first screen of the user's menu. */
export default function StartPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { objects } = useCatalog();
  return <Navigate to={startPath({ me, objects, language: i18n.language, t })} replace />;
}
