/** Create or edit a record: inputs for the fields this user may write, generated from the
 * catalog; an edit sends only what changed with the version it started from, and a 409
 * opens the ConflictDialog. */

import { App, Alert, Button, Drawer, Form, Space, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";

import { ApiError, api, describeError } from "../api/client";
import ConflictDialog from "./ConflictDialog";
import FieldInput from "./FieldInput";
import { apiPath, fieldLabel, isEditable, objectLabel, objectNoun, referenceOf, visibleFields } from "./fields";
import { changedFields, createBody, initialFormValues, patchBody, type FormValue } from "./formValues";
import type { CatalogField, CatalogObject, RecordItem } from "./types";
import { useUnsavedChanges } from "./useUnsavedChanges";

interface Props {
  obj: CatalogObject;
  /** The record to edit; null to create one. */
  record: RecordItem | null;
  open: boolean;
  onClose: () => void;
  onSaved: (record: RecordItem) => void;
}

interface Conflict {
  current: RecordItem | null;
  changed: CatalogField[];
}

export function formFields(obj: CatalogObject, record: RecordItem | null): CatalogField[] {
  if (record === null) return obj.fields.filter((f) => f.writable_on_create);
  return record._editable ? obj.fields.filter(isEditable) : [];
}

export default function RecordForm({ obj, record, open, onClose, onSaved }: Props) {
  const { message } = App.useApp();
  const { t, i18n } = useTranslation("records");
  const [form] = Form.useForm<Record<string, FormValue>>();
  const [base, setBase] = useState<RecordItem | null>(record);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [dirty, setDirty] = useState(false);
  const creating = record === null;
  const fields = useMemo(() => formFields(obj, base), [obj, base]);
  const guard = useUnsavedChanges(open && dirty);
  /** Cancel, the drawer's ×, Esc or a click beside it: asks first if anything changed. */
  const close = () => guard.confirmLeave(onClose);

  /** Whether the values differ from what the form started with. */
  const changed = (values: Record<string, FormValue>): boolean =>
    Object.keys(base ? patchBody(fields, base, values) : createBody(fields, values)).length > 0;

  useEffect(() => {
    if (!open) return;
    setBase(record);
    setError(null);
    setConflict(null);
    setDirty(false);
    form.resetFields();
    form.setFieldsValue(initialFormValues(formFields(obj, record), record));
  }, [open, record, obj, form]);

  const showServerError = (err: unknown) => {
    setError(describeError(err, t, { object: obj.name }));
    if (err instanceof ApiError) {
      const name = typeof err.details?.field === "string" ? err.details.field : undefined;
      if (name && fields.some((f) => f.name === name)) {
        form.setFields([{ name, errors: [describeError(err, t, { object: obj.name })] }]);
      }
    }
  };

  const openConflict = async () => {
    if (!base) return;
    try {
      const current = await api.get<RecordItem>(apiPath(obj, base.id));
      setConflict({ current, changed: changedFields(visibleFields(obj), base, current) });
    } catch {
      setConflict({ current: null, changed: [] });
    }
  };

  const submit = async (values: Record<string, FormValue>) => {
    setSaving(true);
    setError(null);
    try {
      let saved: RecordItem;
      if (creating) {
        saved = await api.post<RecordItem>(apiPath(obj), createBody(fields, values));
        void message.success(t("form.created", { object: objectLabel(obj, i18n.language) }));
      } else {
        const body = patchBody(fields, base!, values);
        if (Object.keys(body).length === 0) {
          void message.info(t("form.nothingChanged"));
          onClose();
          return;
        }
        saved = await api.patch<RecordItem>(apiPath(obj, base!.id), { ...body, version: base!.version });
        void message.success(t("form.saved"));
      }
      guard.release();
      setDirty(false);
      onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && !creating) await openConflict();
      else showServerError(err);
    } finally {
      setSaving(false);
    }
  };

  const reload = () => {
    if (!conflict?.current) return;
    const current = conflict.current;
    setBase(current);
    setConflict(null);
    setError(null);
    setDirty(false);
    form.resetFields();
    form.setFieldsValue(initialFormValues(formFields(obj, current), current));
    if (!current._editable) setError(t("form.noLongerEditable"));
  };

  const noun = objectNoun(obj, i18n.language);
  const title = creating ? t("form.createTitle", { object: noun }) : t("form.editTitle", { object: noun });

  return (
    <Drawer
      open={open}
      onClose={close}
      title={
        <Space>
          {title}
          {dirty && <Tag color="warning" data-testid="unsaved">{t("form.unsavedTag")}</Tag>}
        </Space>
      }
      width={560}
      destroyOnClose
      extra={
        <Space>
          <Button onClick={close}>{t("action.cancel")}</Button>
          <Button
            type="primary"
            loading={saving}
            onClick={() => form.submit()}
            disabled={fields.length === 0}
          >
            {creating ? t("action.create") : t("action.save")}
          </Button>
        </Space>
      }
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {fields.length === 0 ? (
        <Typography.Paragraph type="secondary">{t("form.noWritableFields")}</Typography.Paragraph>
      ) : (
        <Form
          form={form}
          name={`record-${obj.name}`}
          layout="vertical"
          onFinish={submit}
          onValuesChange={(_, values) => setDirty(changed(values))}
          disabled={saving}
          requiredMark
        >
          {fields.map((f) => (
            <Form.Item
              key={f.name}
              name={f.name}
              label={fieldLabel(f, i18n.language)}
              rules={
                f.required
                  ? [{ required: true, message: t("form.required", { field: fieldLabel(f, i18n.language) }) }]
                  : []
              }
            >
              <FieldInput
                objectName={obj.name}
                field={f}
                initialReference={base ? referenceOf(base[f.name]) : null}
              />
            </Form.Item>
          ))}
          {/* Enter in a single-line input submits the form. */}
          <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
        </Form>
      )}
      {base && conflict && (
        <ConflictDialog
          objectName={obj.name}
          open
          base={base}
          current={conflict.current}
          changed={conflict.changed}
          onReload={reload}
          onCancel={() => setConflict(null)}
        />
      )}
    </Drawer>
  );
}
