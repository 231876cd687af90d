/** `/records/:object/:id`: one record as this user may see it, the actions they may take
 * on it (edit, delete, transfer, share), its shares and the records that point at it.
 * `/records/:object/:id/edit` is the same page with the edit form open; a user who may
 * not edit the record is told so there, naming the action. */

import { DeleteOutlined, EditOutlined, QuestionCircleOutlined, SwapOutlined } from "@ant-design/icons";
import {
  App,
  Alert,
  Breadcrumb,
  Button,
  Card,
  Popconfirm,
  Result,
  Skeleton,
  Space,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useMatch, useNavigate, useParams } from "react-router-dom";

import { explainHref } from "../access/paths";
import { ApiError, api, describeError } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { newRequestHref } from "../workflow/paths";
import { apiPath, can, editPath, objectLabel, objectNoun, pluralLabel, recordPath, titleField } from "./fields";
import "./i18n";
import ObjectGate from "./ObjectGate";
import RecordDescriptions from "./RecordDescriptions";
import RecordForm from "./RecordForm";
import RelatedLists from "./RelatedLists";
import SharesCard from "./SharesCard";
import TransferDialog from "./TransferDialog";
import type { CatalogObject, RecordItem } from "./types";
import { useRecord } from "./useRecord";

export default function RecordDetailPage() {
  const { id } = useParams();
  const { t } = useTranslation("records");
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1)
    return <Result status="404" title={t("detail.notFoundTitle")} subTitle={t("detail.badId")} />;
  return <ObjectGate>{(obj) => <DetailScreen key={`${obj.name}/${n}`} obj={obj} id={n} />}</ObjectGate>;
}

function recordTitle(obj: CatalogObject, record: RecordItem): string {
  const f = titleField(obj);
  const v = f ? record[f.name] : undefined;
  return typeof v === "string" && v ? v : `#${record.id}`;
}

function DetailScreen({ obj, id }: { obj: CatalogObject; id: number }) {
  const { message } = App.useApp();
  const { t, i18n } = useTranslation("records");
  const navigate = useNavigate();
  const location = useLocation();
  const editing = useMatch("/records/:object/:id/edit") !== null;
  const { record, setRecord, loading, error, reload } = useRecord(obj, id);
  const [transferring, setTransferring] = useState(false);
  const label = objectLabel(obj, i18n.language);
  const noun = objectNoun(obj, i18n.language);
  const plural = pluralLabel(obj, i18n.language);
  const { me } = useAuth();
  // The explain tool answers for other users only to these permissions (the API's rule).
  const mayExplain = !!me && ["manage_roles", "view_audit"].some((p) => me.permissions.includes(p));

  const crumbs = (
    <Breadcrumb
      items={[
        { title: <Link to={recordPath(obj.name)}>{plural}</Link> },
        { title: record ? recordTitle(obj, record) : `#${id}` },
      ]}
    />
  );

  if (loading && !record) {
    return (
      <Space direction="vertical" style={{ width: "100%" }}>
        {crumbs}
        <Card>
          <Skeleton active paragraph={{ rows: 6 }} />
        </Card>
      </Space>
    );
  }
  if (!record) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <div data-testid={missing ? "record-not-found" : "record-load-failed"}>
        <Result
          status={missing ? "404" : "error"}
          title={missing ? t("detail.notFoundTitle") : t("detail.loadFailed")}
          subTitle={
            missing ? t("detail.notFound", { object: noun }) : describeError(error, t, { object: obj.name })
          }
          extra={
            <Space size="large" wrap>
              <Link to={recordPath(obj.name)}>{t("detail.backToList", { objects: plural })}</Link>
              {missing && (
                <Link to={newRequestHref({ object: obj.name, record: Number(id) })} data-testid="request-access">
                  {t("workflow:recordLink.requestAccess")}
                </Link>
              )}
            </Space>
          }
        />
      </div>
    );
  }

  const mayEdit = can(obj, "edit") && record._editable;
  if (editing && !mayEdit) {
    // the edit link followed (or typed) by someone who may not edit: the refusal in words
    return (
      <div data-testid="edit-forbidden">
        <Result
          status="403"
          title={t("detail.noEditTitle")}
          subTitle={t("common:errors.forbidden_record", {
            action: t("common:actions.edit"), object: noun, id: record.id,
          })}
          extra={
            <Space size="large" wrap>
              <Link to={recordPath(obj.name, record.id)}>{t("detail.backToRecord")}</Link>
              <Link to={newRequestHref({ object: obj.name, record: record.id, access: "read_write" })}
                    data-testid="request-access">
                {t("workflow:recordLink.requestEdit")}
              </Link>
            </Space>
          }
        />
      </div>
    );
  }
  /** Opened from this page, closing goes back in history (Back does not reopen the form);
   * opened from a link, it goes to the record's page. */
  const openEditor = () => navigate(editPath(obj.name, record.id), { state: { fromRecord: true } });
  const closeEditor = () => {
    if ((location.state as { fromRecord?: boolean } | null)?.fromRecord) navigate(-1);
    else navigate(recordPath(obj.name, record.id), { replace: true });
  };

  const remove = async () => {
    try {
      await api.del(`${apiPath(obj, record.id)}?version=${record.version}`);
      void message.success(t("detail.deleted"));
      navigate(recordPath(obj.name));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        void message.warning(t("detail.deleteStale"));
        reload();
      } else {
        void message.error(describeError(err, t, { object: obj.name }));
      }
    }
  };

  const afterTransfer = async (after: RecordItem) => {
    setTransferring(false);
    void message.success(t("transfer.done"));
    // the new owner may be outside what this user can see
    try {
      setRecord(await api.get<RecordItem>(apiPath(obj, after.id)));
    } catch {
      void message.info(t("transfer.nowInvisible"));
      navigate(recordPath(obj.name));
    }
  };

  return (
    <Space
      direction="vertical"
      size="middle"
      style={{ width: "100%" }}
      data-object={obj.name}
      data-record={record.id}
    >
      {crumbs}
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Space align="center">
          <Typography.Title level={3} style={{ margin: 0 }}>
            {recordTitle(obj, record)}
          </Typography.Title>
          <Tag>{label}</Tag>
          {!mayEdit && <Tag color="default">{t("detail.readOnly")}</Tag>}
        </Space>
        <Space wrap>
          {mayExplain && (
            <Link to={explainHref({ object: obj.name, record: record.id, action: "view" })}
                  data-action="who-can-see">
              <Button icon={<QuestionCircleOutlined />}>{t("detail.whoCanSee")}</Button>
            </Link>
          )}
          {mayEdit && (
            <Button
              type="primary"
              icon={<EditOutlined />}
              onClick={openEditor}
              data-action="edit"
            >
              {t("action.edit")}
            </Button>
          )}
          {can(obj, "transfer") && (
            <Button icon={<SwapOutlined />} onClick={() => setTransferring(true)} data-action="transfer">
              {t("transfer.button")}
            </Button>
          )}
          {can(obj, "delete") && (
            <Popconfirm
              title={t("detail.deleteConfirmTitle")}
              description={t("detail.deleteConfirm", { name: recordTitle(obj, record) })}
              okText={t("action.delete")}
              okButtonProps={{ danger: true }}
              cancelText={t("action.cancel")}
              onConfirm={remove}
            >
              <Button danger icon={<DeleteOutlined />} data-action="delete">
                {t("action.delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </Space>
      {error !== null && (
        <Alert type="error" showIcon message={describeError(error, t, { object: obj.name })} />
      )}
      <Card size="small">
        <RecordDescriptions obj={obj} record={record} />
      </Card>
      {can(obj, "share") && <SharesCard obj={obj} record={record} />}
      <RelatedLists obj={obj} id={record.id} />
      <RecordForm
        obj={obj}
        record={record}
        open={editing}
        onClose={closeEditor}
        onSaved={(saved) => {
          setRecord(saved);
          closeEditor();
        }}
      />
      <TransferDialog
        obj={obj}
        record={record}
        open={transferring}
        onClose={() => setTransferring(false)}
        onDone={(after) => void afterTransfer(after)}
        onStale={reload}
      />
    </Space>
  );
}
