"""Reading the CoSAI Risk Map YAML files: items, categories, cross-references and mappings.

Every problem is recorded with its file and line (:class:`Context`), never raised, so a user's
copy is reported in full; :mod:`mosaic.loaders.cosai_risk_map` turns what is read into SKOS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mosaic.loaders.issues import IssueCollector

#: ``(file name, top-level list key, concept kind)`` of the item files, in load order.
ITEM_FILES: tuple[tuple[str, str, str], ...] = (
    ("lifecycle-stage.yaml", "lifecycleStages", "lifecycle-stage"),
    ("personas.yaml", "personas", "asset"),
    ("components.yaml", "components", "asset"),
    ("controls.yaml", "controls", "control"),
    ("risks.yaml", "risks", "threat"),
)


#: Frameworks of ``mappings`` that MOSAIC has no initiative for, or whose ids it cannot map.
UNMAPPED_FRAMEWORKS = frozenset({"stride", "iso-22989", "eu-ai-act"})


#: Frameworks whose entries become links to MOSAIC initiatives.
LINKED_FRAMEWORKS = frozenset({"mitre-atlas", "owasp-top10-llm", "nist-ai-rmf"})


_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


_ATLAS_RE = re.compile(r"^(AML\.[A-Z]+\d{4}(?:\.\d{3})?)(?:@.*)?$")


_LLM_RE = re.compile(r"^(LLM\d{2}):(\d{4})(?:@.*)?$")


_RMF_RE = re.compile(r"^((?:GOVERN|MAP|MEASURE|MANAGE)-\d+\.\d+)(?:@.*)?$")


_PLACEHOLDER_RE = re.compile(r"\{\{\s*(ref:)?([^{}]+?)\s*\}\}")


@dataclass
class File:
    """One parsed YAML file with its raw lines, kept to report line numbers."""

    path: Path
    data: dict[str, Any]
    lines: list[str]

    def id_line(self, item_id: str) -> int | None:
        """Return the first line that declares ``id: item_id``, or ``None``."""
        pattern = re.compile(rf"^\s*(?:-\s+)?id:\s*['\"]?{re.escape(item_id)}['\"]?\s*(?:#.*)?$")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def key_line(self, key: str) -> int | None:
        """Return the line of a top-level ``key:``, or ``None``."""
        pattern = re.compile(rf"^{re.escape(key)}:")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def item_lines(self, key: str) -> list[int]:
        """Start lines of the items of the top-level list ``key``, in order.

        ``yaml.safe_load`` keeps no positions, so items are found by their ``-`` markers at
        the list's own indentation, up to the next top-level key.
        """
        start = self.key_line(key)
        if start is None:
            return []
        found: list[int] = []
        indent: str | None = None
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if line and not line[0].isspace() and line[0] not in "#-":
                break
            match = re.match(r"^(\s*)-(\s|$)", line)
            if match:
                indent = match.group(1) if indent is None else indent
                if match.group(1) == indent:
                    found.append(number)
        return found


@dataclass
class Item:
    """One concept to be: an item of a list or a category."""

    id: str
    kind: str
    title: str
    file: File
    line: int
    end_line: int
    raw: dict[str, Any]
    text: str = ""
    parent: str | None = None
    deprecated: bool = False

    def line_of(self, needle: str) -> int:
        """Return the first line of this item that holds ``needle`` (else the item's line)."""
        for number in range(self.line, min(self.end_line, len(self.file.lines)) + 1):
            if needle in self.file.lines[number - 1]:
                return number
        return self.line


@dataclass
class Context(IssueCollector):
    """Everything read so far, and the problems found."""

    folder: Path
    files: dict[str, File] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)

    def issue(self, source: File | Path | str, line: int | None, message: str) -> None:
        """Record a bad record (in a file read, or at a path)."""
        super().issue(source.path if isinstance(source, File) else source, line, message)

    def warn(self, source: File | Path | str, line: int | None, message: str) -> None:
        """Record a harmless oddity (in a file read, or at a path)."""
        super().warn(source.path if isinstance(source, File) else source, line, message)


def resolve_folder(path: str) -> Path:
    """Find the folder of the YAML files from the upstream checkout, its ``risk-map`` or itself.

    :param path: the repository root, its ``risk-map`` folder or ``risk-map/yaml``.
    :returns: the folder expected to hold ``risks.yaml``.
    """
    root = Path(path)
    for candidate in (root / "risk-map" / "yaml", root / "yaml", root):
        if (candidate / "risks.yaml").is_file():
            return candidate
    return root


def read_file(ctx: Context, name: str) -> File | None:
    """Parse one YAML file, recording a missing file or a syntax error as an issue."""
    path = ctx.folder / name
    if not path.is_file():
        ctx.issue(path, None, f"missing file {name}")
        return None
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ctx.issue(path, mark.line + 1 if mark is not None else None, f"invalid YAML: {exc}")
        return None
    if not isinstance(data, dict):
        ctx.issue(path, 1, "top level is not a mapping")
        return None
    parsed = File(path, data, text.splitlines())
    ctx.files[name] = parsed
    return parsed


def _prose(value: object) -> str:
    """Flatten a prose field (a string or nested lists of strings) into one line of text."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return " ".join(part for part in (_prose(v) for v in value) if part)
    return ""


def _resolve_placeholders(text: str, refs: Mapping[str, str], titles: Mapping[str, str]) -> str:
    """Replace ``{{ref:x}}`` by the reference's title and ``{{itemId}}`` by the item's title."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(2)
        if match.group(1):
            return refs.get(key, "")
        return titles.get(key, key)

    text = _PLACEHOLDER_RE.sub(replace, text)
    text = text.replace("**", "").replace("()", "")
    return " ".join(text.replace(" ,", ",").replace(" .", ".").split())


def category_label(category_id: str) -> str:
    """Make a readable label for a risk category id, which ``risks.yaml`` does not name.

    :param category_id: e.g. ``risksRuntimeInputSecurity``.
    :returns: e.g. ``Runtime Input Security Risks``.
    """
    stem = category_id.removeprefix("risks") or category_id
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", stem)
    words = [w.lower() if w in {"And", "Or", "Of"} else w for w in words]
    return " ".join([*words, "Risks"])


def _new_item(
    ctx: Context,
    file: File,
    raw: object,
    kind: str,
    line: int,
    end_line: int,
    what: str,
) -> Item | None:
    """Check the id and title of one record and register it."""
    if not isinstance(raw, dict):
        ctx.issue(file, line, f"{what} is not a mapping")
        return None
    item_id = raw.get("id")
    if not isinstance(item_id, str) or not item_id:
        ctx.issue(file, line, f"{what} has no id")
        return None
    if not _ID_RE.match(item_id):
        ctx.issue(file, line, f"{what} id {item_id!r} is not a safe identifier")
        return None
    if item_id in ctx.items:
        ctx.issue(file, line, f"duplicate id {item_id}")
        return None
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        ctx.issue(file, line, f"{item_id} has no title")
        return None
    item = Item(item_id, kind, " ".join(title.split()), file, line, end_line, raw)
    ctx.items[item_id] = item
    return item


def _read_categories(ctx: Context, file: File, kind: str) -> dict[str, set[str]]:
    """Register the categories (and subcategories) a file lists.

    :returns: each category id with the ids of its subcategories.
    """
    categories: dict[str, set[str]] = {}
    listed = file.data.get("categories")
    if listed is None:
        return categories
    if not isinstance(listed, list):
        ctx.issue(file, file.key_line("categories"), "categories is not a list")
        return categories
    for raw in listed:
        line = _line_for(file, raw)
        category = _new_item(ctx, file, raw, kind, line, line, "category")
        if category is None:
            continue
        category.text = _prose(category.raw.get("description"))
        categories[category.id] = set()
        subs = category.raw.get("subcategory") or []
        for sub_raw in subs if isinstance(subs, list) else []:
            sub_line = _line_for(file, sub_raw)
            sub = _new_item(ctx, file, sub_raw, kind, sub_line, sub_line, "subcategory")
            if sub is not None:
                sub.text = _prose(sub.raw.get("description"))
                sub.parent = category.id
                categories[category.id].add(sub.id)
    return categories


def _line_for(file: File, raw: object) -> int:
    """Return the line of a record's ``id``, or 1 when it has none."""
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        return file.id_line(raw["id"]) or 1
    return 1


def _read_items(ctx: Context, file: File, key: str, kind: str) -> list[Item]:
    """Register the records of the top-level list ``key`` of a file."""
    records = file.data.get(key)
    if not isinstance(records, list):
        ctx.issue(file, file.key_line(key), f"no list {key!r}")
        return []
    starts = file.item_lines(key)
    if len(starts) != len(records):  # unusual layout: fall back to the id lines
        starts = [_line_for(file, raw) for raw in records]
    ends = [*(s - 1 for s in starts[1:]), len(file.lines)]
    found: list[Item] = []
    for index, raw in enumerate(records):
        what = f"{key}[{index}]"
        item = _new_item(ctx, file, raw, kind, starts[index], ends[index], what)
        if item is not None:
            item.deprecated = item.raw.get("deprecated") is True
            found.append(item)
    return found


def _id_list(
    ctx: Context,
    item: Item,
    name: str,
    every: Sequence[str],
    raw: Mapping[str, Any] | None = None,
) -> list[str]:
    """Read a field that lists ids, or says ``all`` (every id of ``every``) or ``none``."""
    value = (item.raw if raw is None else raw).get(name)
    if value is None or value == "none":
        return []
    if value == "all":
        return list(every)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        ctx.issue(item.file, item.line_of(f"{name}:"), f"{item.id}: {name} is not a list of ids")
        return []
    return list(value)


def check_refs(
    ctx: Context,
    item: Item,
    name: str,
    allowed: Mapping[str, Item],
    what: str,
    raw: Mapping[str, Any] | None = None,
) -> list[Item]:
    """Resolve the ids of a list field, reporting each one that names no known ``what``."""
    resolved: list[Item] = []
    for ref in _id_list(ctx, item, name, list(allowed), raw):
        target = allowed.get(ref)
        if target is None:
            ctx.issue(item.file, item.line_of(ref), f"{item.id}: unknown {what} {ref!r}")
        else:
            resolved.append(target)
    return resolved


def collect(ctx: Context) -> dict[str, list[Item]]:
    """Read every file and register every concept, grouped by file key."""
    groups: dict[str, list[Item]] = {}
    categories: dict[str, dict[str, set[str]]] = {}
    for name, key, kind in ITEM_FILES:
        file = read_file(ctx, name)
        if file is None:
            groups[key] = []
            continue
        categories[key] = _read_categories(ctx, file, kind)
        groups[key] = _read_items(ctx, file, key, kind)

    place_in_categories(ctx, groups, categories)
    return groups


def place_in_categories(
    ctx: Context, groups: dict[str, list[Item]], categories: dict[str, dict[str, set[str]]]
) -> None:
    """Set each item's parent category, making the risk categories ``risks.yaml`` only names."""
    for _name, key, kind in ITEM_FILES:
        listed = categories.get(key, {})
        derive = key == "risks" and not listed  # risks.yaml names categories it never lists
        for item in groups[key]:
            category = item.raw.get("category")
            if category is None:
                continue
            if not isinstance(category, str):
                ctx.issue(item.file, item.line_of("category:"), f"{item.id}: bad category")
                continue
            if derive and category not in ctx.items:
                if not _ID_RE.match(category):
                    ctx.issue(item.file, item.line_of(category), f"bad category {category!r}")
                    continue
                made = Item(category, kind, category_label(category), item.file, 1, 1, {})
                made.line = item.file.key_line("risks") or 1
                ctx.items[category] = made
                listed[category] = set()
            if category not in listed:
                ctx.issue(
                    item.file, item.line_of(category), f"{item.id}: unknown category {category!r}"
                )
                continue
            item.parent = category
            sub = item.raw.get("subcategory")
            if sub is None:
                continue
            if not isinstance(sub, str) or sub not in listed[category]:
                ctx.issue(
                    item.file,
                    item.line_of("subcategory:"),
                    f"{item.id}: subcategory {sub!r} is not a subcategory of {category}",
                )
                continue
            item.parent = sub


def parse_mapping(framework: str, value: str) -> tuple[str, str] | None:
    """Turn one ``mappings`` entry into ``(initiative id, local id)``.

    :param framework: the framework id of ``frameworks.yaml`` (``mitre-atlas``, ...).
    :param value: the entry, e.g. ``AML.T0020@5.0.1``, ``LLM04:2025``, ``MEASURE-2.3@1.0``.
    :returns: the target, or ``None`` when the entry is not in a form MOSAIC can link.
    """
    value = value.strip()
    if framework == "mitre-atlas":
        atlas = _ATLAS_RE.match(value)
        return ("mitre-atlas", atlas.group(1)) if atlas else None
    if framework == "owasp-top10-llm":
        llm = _LLM_RE.match(value)
        if llm and llm.group(2) in {"2023", "2025"}:
            return (f"owasp-llm-top10-{llm.group(2)}", llm.group(1))
        return None
    if framework == "nist-ai-rmf":
        rmf = _RMF_RE.match(value)
        return ("nist-ai-rmf", rmf.group(1)) if rmf else None
    return None


def item_mappings(ctx: Context, item: Item) -> Iterator[tuple[str, str]]:
    """Yield the linkable targets of an item's ``mappings``, reporting unreadable entries."""
    mappings = item.raw.get("mappings")
    if mappings is None:
        return
    if not isinstance(mappings, dict):
        ctx.issue(item.file, item.line_of("mappings:"), f"{item.id}: mappings is not a mapping")
        return
    for framework, values in mappings.items():
        if framework in UNMAPPED_FRAMEWORKS:
            continue
        if framework not in LINKED_FRAMEWORKS:
            ctx.warn(item.file, item.line_of(f"{framework}:"), f"unknown framework {framework!r}")
            continue
        if not isinstance(values, list):
            ctx.issue(item.file, item.line_of(f"{framework}:"), f"{item.id}: bad {framework}")
            continue
        for value in values:
            target = parse_mapping(str(framework), value) if isinstance(value, str) else None
            if target is None:
                ctx.issue(
                    item.file,
                    item.line_of(str(value)),
                    f"{item.id}: cannot read {framework} mapping {value!r}",
                )
            else:
                yield target


def declared_mappings(path: str) -> list[tuple[str, str, str]]:
    """List the cross-initiative links the upstream files declare in their ``mappings``.

    Only frameworks MOSAIC has an initiative for are returned (ATLAS, OWASP LLM Top 10, NIST
    AI RMF); STRIDE, ISO/IEC 22989 role names and EU AI Act entries are skipped.

    :param path: the upstream checkout or its ``risk-map/yaml`` folder.
    :returns: ``(cosai local id, target initiative id, target local id)`` in file order.
    """
    ctx = Context(resolve_folder(path))
    groups = collect(ctx)
    found: list[tuple[str, str, str]] = []
    for items in groups.values():
        for item in items:
            for target in item_mappings(ctx, item):
                row = (item.id, *target)
                if row not in found:
                    found.append(row)
    return found


def fill_texts(ctx: Context, groups: Mapping[str, list[Item]]) -> None:
    """Set each item's upstream definition text, placeholders resolved."""
    titles = {item.id: item.title for item in ctx.items.values()}
    for key, items in groups.items():
        field_name = "shortDescription" if key == "risks" else "description"
        for item in items:
            refs: dict[str, str] = {}
            for ref in item.raw.get("externalReferences") or []:
                if isinstance(ref, dict) and isinstance(ref.get("id"), str):
                    refs[ref["id"]] = str(ref.get("title") or "")
            text = _prose(item.raw.get(field_name))
            item.text = _resolve_placeholders(text, refs, titles)
            if not item.text:
                ctx.issue(item.file, item.line, f"{item.id} has no {field_name}")
