"""The document itself: its format tag, its sections, and reading and writing it as YAML
or JSON.

Writing is deterministic — sections in a fixed order, items sorted, keys in a fixed
order — so two exports of the same state at the same instant are byte-identical and a
change shows in git as the lines it changes. Reading accepts YAML (JSON is read as JSON)
and refuses what would make it ambiguous or costly: duplicate keys (YAML would keep the
last silently), aliases (a few lines could expand to gigabytes), dates read as
anything but text (a condition's `2026-01-01` stays the string the API takes)."""

from __future__ import annotations

import json
from typing import Any

import yaml

FORMAT = "vouch-config/1"
HEADER = ("format", "exported_at", "policy_version")
SECTIONS = ("roles", "sharing_rules", "restriction_rules", "approval_policies",
            "role_conflicts", "settings")
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_DEPTH = 40  # a condition nests at most 12 levels, inside a rule inside a section
FORMATS = ("yaml", "json")


class DocumentUnreadable(ValueError):
    """The text is not YAML or JSON at all; `where` says the line and column."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


# --- writing ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order the document gives them, Chinese as it is."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key (the default writes them flush with it).
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(document: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    text: str = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                          default_flow_style=False, width=100)
    return text


# --- reading ----------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, duplicate keys or implicit timestamps."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not accepted: write the value out",
                event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice in one mapping",
                    key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# No implicit timestamps: a date stays the text it is (as JSON would have it).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str | bytes) -> Any:
    """The document's data (JSON when it starts with `{`, else YAML)."""
    if isinstance(text, bytes):
        if len(text) > MAX_DOCUMENT_BYTES:
            raise DocumentUnreadable(f"the document is larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentUnreadable(f"the document is not UTF-8 text (byte {exc.start})"
                                     ) from None
    if len(text) > MAX_DOCUMENT_BYTES:
        raise DocumentUnreadable(f"the document is larger than {MAX_DOCUMENT_BYTES} bytes")
    if "\x00" in text:
        raise DocumentUnreadable("the document contains a NUL character")
    try:
        data = _parse(text)
    except RecursionError:  # the parsers recurse per level of nesting
        data = None
        too_deep = True
    else:
        too_deep = _deeper_than(data, MAX_DEPTH)
    if too_deep:
        raise _too_deep()
    return data


def check_depth(data: Any) -> None:
    """What reads a document recurses per level: a deeper one is refused before."""
    if _deeper_than(data, MAX_DEPTH):
        raise _too_deep()


def _too_deep() -> DocumentUnreadable:
    return DocumentUnreadable(f"the document is nested deeper than {MAX_DEPTH} levels")


def _deeper_than(data: Any, limit: int) -> bool:
    stack = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def _parse(text: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as exc:
            raise DocumentUnreadable(f"not valid JSON: {exc.msg}",
                                     f"line {exc.lineno}, column {exc.colno}") from None
        except _DuplicateKey as exc:
            raise DocumentUnreadable(f"the key {exc.key!r} is given twice in one object"
                                     ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "not valid YAML"
        raise DocumentUnreadable(f"not valid YAML: {problem}", where) from None
    except yaml.YAMLError as exc:
        raise DocumentUnreadable(f"not valid YAML: {exc}") from None


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out
