// The rule condition language (src/vouch/access/engine/condition.py) as an editable tree:
//
//   {"field": F, "op": OP, "value": V}   {"and": [...]}  {"or": [...]}  {"not": C}
//   {"relation": "owner_in_department" | "record_in_department", "department": D,
//    "subtree": true | false}
//
// A node carries its own NOT. Serialising also records each node's JSON path
// (`condition.and[1]`), so that a 422 naming `condition.and[1].value` lands on its row.

import type { CatalogField, CatalogObject, FieldType } from "../../api/types";

export type Op =
  | "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "in" | "not_in" | "contains" | "is_null"
  | "not_null";
export type Relation = "owner_in_department" | "record_in_department";
export type Join = "and" | "or";
export type Scalar = string | number;
export type LeafValue = Scalar | Scalar[] | null;

interface Base {
  id: string;
  negated: boolean;
}

export interface LeafNode extends Base {
  kind: "leaf";
  field: string | null;
  op: Op | null;
  value: LeafValue;
}

export interface RelationNode extends Base {
  kind: "relation";
  relation: Relation;
  department: number | null;
  subtree: boolean;
}

export interface GroupNode extends Base {
  kind: "group";
  join: Join;
  children: ConditionNode[];
}

export type ConditionNode = LeafNode | RelationNode | GroupNode;

export const RELATIONS: Relation[] = ["owner_in_department", "record_in_department"];
export const ORDERED_TYPES: FieldType[] = ["integer", "decimal", "date", "datetime"];
export const TEXT_TYPES: FieldType[] = ["string", "text", "phone", "email", "enum"];
export const LIST_OPS: Op[] = ["in", "not_in"];
export const NO_VALUE_OPS: Op[] = ["is_null", "not_null"];

let counter = 0;
export function newId(): string {
  counter += 1;
  return `n${counter}`;
}

export function newLeaf(): LeafNode {
  return { kind: "leaf", id: newId(), negated: false, field: null, op: null, value: null };
}

export function newRelation(): RelationNode {
  return { kind: "relation", id: newId(), negated: false, relation: "owner_in_department",
           department: null, subtree: true };
}

export function newGroup(join: Join = "and", children: ConditionNode[] = [newLeaf()]): GroupNode {
  return { kind: "group", id: newId(), negated: false, join, children };
}

// --- fields --------------------------------------------------------------------------------

/** A field a condition can test: the object's catalog fields, plus the record's owner,
 * department and id. `ref` says what a reference points to ("user", "department", or an
 * object name). */
export interface ConditionField {
  name: string;
  type: FieldType;
  ref: string | null;
  choices: string[];
  /** The catalog field, when the name is one (for its labels). */
  catalog: CatalogField | null;
}

export const SYSTEM_FIELDS: ConditionField[] = [
  { name: "owner_id", type: "reference", ref: "user", choices: [], catalog: null },
  { name: "department_id", type: "reference", ref: "department", choices: [], catalog: null },
  { name: "id", type: "reference", ref: "self", choices: [], catalog: null },
];

export function conditionFields(obj: CatalogObject | undefined): ConditionField[] {
  const own = (obj?.fields ?? []).map<ConditionField>((f) => ({
    name: f.name, type: f.type, ref: f.ref, choices: f.choices, catalog: f,
  }));
  return [...own, ...SYSTEM_FIELDS];
}

/** A field by name; one the catalog does not show this user (hidden from them) is tested
 * as text, and kept as it is. */
export function findField(fields: ConditionField[], name: string | null): ConditionField | null {
  if (!name) return null;
  return fields.find((f) => f.name === name)
    ?? { name, type: "string", ref: null, choices: [], catalog: null };
}

/** The operators the engine accepts for a field of this type, in the order offered. */
export function opsFor(type: FieldType): Op[] {
  const ops: Op[] = ["eq", "ne"];
  if (ORDERED_TYPES.includes(type)) ops.push("gt", "ge", "lt", "le");
  ops.push("in", "not_in");
  if (TEXT_TYPES.includes(type)) ops.push("contains");
  ops.push("is_null", "not_null");
  return ops;
}

/** The value kept when the operator changes: a list for in/not_in, one value otherwise,
 * none for the emptiness tests. */
export function valueForOp(value: LeafValue, from: Op | null, to: Op): LeafValue {
  if (NO_VALUE_OPS.includes(to)) return null;
  const wasList = from !== null && LIST_OPS.includes(from);
  const isList = LIST_OPS.includes(to);
  if (isList && !wasList) return value === null || Array.isArray(value) ? [] : [value];
  if (!isList && wasList) return Array.isArray(value) ? value[0] ?? null : null;
  if (to === "contains" && typeof value !== "string") return null;
  return value;
}

// --- from JSON -----------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function scalarOrList(value: unknown): LeafValue {
  if (typeof value === "string" || typeof value === "number") return value;
  if (Array.isArray(value)) {
    return value.filter((v): v is Scalar => typeof v === "string" || typeof v === "number");
  }
  return null;
}

/** A stored condition as a tree; null when it is not in the language (never for a rule
 * the API accepted). */
export function parseNode(json: unknown): ConditionNode | null {
  if (!isObject(json)) return null;
  const keys = Object.keys(json);
  if (keys.length === 1 && (keys[0] === "and" || keys[0] === "or")) {
    const join = keys[0] as Join;
    const items = json[join];
    if (!Array.isArray(items) || items.length === 0) return null;
    const children = items.map(parseNode);
    if (children.some((c) => c === null)) return null;
    return { kind: "group", id: newId(), negated: false, join, children: children as ConditionNode[] };
  }
  if (keys.length === 1 && keys[0] === "not") {
    const inner = parseNode(json.not);
    return inner && { ...inner, negated: !inner.negated };
  }
  if ("relation" in json) {
    const relation = json.relation;
    if (relation !== "owner_in_department" && relation !== "record_in_department") return null;
    return {
      kind: "relation", id: newId(), negated: false, relation,
      department: typeof json.department === "number" ? json.department : null,
      subtree: json.subtree === true,
    };
  }
  if ("field" in json && typeof json.field === "string" && typeof json.op === "string") {
    let op = json.op as Op;
    let value = scalarOrList(json.value);
    if (op === "is_null") {
      op = json.value === false ? "not_null" : "is_null";
      value = null;
    }
    return { kind: "leaf", id: newId(), negated: false, field: json.field, op, value };
  }
  return null;
}

/** The builder's root: always a group (a single condition becomes a group of one). */
export function parseRoot(json: unknown): GroupNode | null {
  if (json === null || json === undefined) return newGroup();
  const node = parseNode(json);
  if (!node) return null;
  if (node.kind === "group" && !node.negated) return node;
  return newGroup("and", [node]);
}

// --- to JSON -------------------------------------------------------------------------------

export type Paths = Map<string, string>;

function leafJson(node: LeafNode): Record<string, unknown> {
  if (node.op === "is_null" || node.op === "not_null") {
    return { field: node.field, op: "is_null", value: node.op === "is_null" };
  }
  return { field: node.field, op: node.op, value: node.value };
}

function nodeJson(node: ConditionNode, path: string, paths: Paths): unknown {
  const inner = node.negated ? `${path}.not` : path;
  paths.set(node.id, inner);
  let json: unknown;
  if (node.kind === "leaf") {
    json = leafJson(node);
  } else if (node.kind === "relation") {
    json = { relation: node.relation, department: node.department, subtree: node.subtree };
  } else {
    json = {
      [node.join]: node.children.map((c, i) => nodeJson(c, `${inner}.${node.join}[${i}]`, paths)),
    };
  }
  return node.negated ? { not: json } : json;
}

/** The condition to send, and where each node sits in it (`condition.and[1]`): a group of
 * one, un-negated, is sent as its only member. */
export function toJson(root: GroupNode, base = "condition"): { json: unknown; paths: Paths } {
  const paths: Paths = new Map();
  const only = root.children.length === 1 && !root.negated ? root.children[0] : undefined;
  if (only) {
    paths.set(root.id, base);
    return { json: nodeJson(only, base, paths), paths };
  }
  return { json: nodeJson(root, base, paths), paths };
}

// --- problems ------------------------------------------------------------------------------

/** Which part of a node a problem concerns. */
export type Part = "node" | "field" | "op" | "value" | "department";

export interface Problem {
  part: Part;
  /** A translation key (access:builder.problem.*), or the API's message (said in the
   * user's language when known, with the original kept). */
  key?: string;
  message?: string;
  original?: string;
}

export type Problems = Map<string, Problem>;

function isEmptyValue(value: LeafValue): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "string" && value.trim() === "";
}

/** What the builder can tell before sending: every row complete, no empty group. */
export function localProblems(root: GroupNode): Problems {
  const problems: Problems = new Map();
  const visit = (node: ConditionNode) => {
    if (node.kind === "group") {
      if (node.children.length === 0) problems.set(node.id, { part: "node", key: "emptyGroup" });
      node.children.forEach(visit);
    } else if (node.kind === "relation") {
      if (node.department === null) problems.set(node.id, { part: "department", key: "chooseDepartment" });
    } else if (!node.field) {
      problems.set(node.id, { part: "field", key: "chooseField" });
    } else if (!node.op) {
      problems.set(node.id, { part: "op", key: "chooseOp" });
    } else if (!NO_VALUE_OPS.includes(node.op) && isEmptyValue(node.value)) {
      problems.set(node.id, { part: "value", key: LIST_OPS.includes(node.op) ? "chooseValues" : "enterValue" });
    }
  };
  visit(root);
  return problems;
}

/** The node a path from the API names (`condition.and[1].value` → the second row of the
 * top group, part "value"); null when the path is not inside the condition. */
export function problemAt(paths: Paths, errorPath: string, message: string): [string, Problem] | null {
  let best: [string, string] | null = null; // the deepest node (a group's only member wins)
  for (const [id, path] of paths) {
    const boundary = errorPath.length === path.length || ".[".includes(errorPath[path.length] ?? "");
    if (errorPath.startsWith(path) && boundary && (!best || path.length >= best[1].length)) {
      best = [id, path];
    }
  }
  if (!best) return null;
  const rest = errorPath.slice(best[1].length);
  const head = /^\.(\w+)/.exec(rest)?.[1];
  const part: Part = head === "field" || head === "op" || head === "value" || head === "department"
    ? head : head === "subtree" || head === "relation" ? "department" : "node";
  return [best[0], { part, message }];
}

// --- edits ---------------------------------------------------------------------------------

/** The tree with one node replaced (or removed, when `next` is null). */
export function replaceNode(root: GroupNode, id: string, next: ConditionNode | null): GroupNode {
  const walk = (node: ConditionNode): ConditionNode | null => {
    if (node.id === id) return next;
    if (node.kind !== "group") return node;
    const children = node.children.map(walk).filter((c): c is ConditionNode => c !== null);
    return { ...node, children };
  };
  return walk(root) as GroupNode;
}

export function countLeaves(node: ConditionNode): number {
  return node.kind === "group" ? node.children.reduce((n, c) => n + countLeaves(c), 0) : 1;
}
