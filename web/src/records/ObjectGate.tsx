/** The catalog object named in the route, or a page saying why there is none. */

import { Result } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router-dom";

import { useCatalog } from "../catalog/CatalogContext";
import { can, findObject, objectNoun } from "./fields";
import type { CatalogObject } from "./types";

interface Props {
  children: (obj: CatalogObject) => ReactNode;
}

export default function ObjectGate({ children }: Props) {
  const { t, i18n } = useTranslation("records");
  const { object } = useParams();
  const catalog = useCatalog();
  const obj = findObject(catalog.objects, object);
  if (!obj) {
    return (
      <Result
        status="404"
        title={t("gate.unknownTitle")}
        subTitle={t("gate.unknown", { name: object ?? "" })}
      />
    );
  }
  if (!can(obj, "view")) {
    return (
      <Result
        status="403"
        title={t("gate.noViewTitle")}
        subTitle={t("gate.noView", { object: objectNoun(obj, i18n.language) })}
      />
    );
  }
  return <>{children(obj)}</>;
}
