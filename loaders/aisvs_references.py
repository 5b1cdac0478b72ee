"""The threats an AISVS chapter names in its References: its own threat -> control statements.

Each chapter of OWASP AISVS 1.0 ends with a ``## References`` list; the entries that are OWASP
Top 10 for LLM Applications 2025 entries (``[OWASP LLM01:2025 Prompt Injection](...)``) or
MITRE ATLAS technique pages (``https://atlas.mitre.org/techniques/AML.T0051``) name the threats
the chapter's requirements defend against. The chapter (a ``mosaic:Control``) is what names
them, so the statement is made at chapter level; its sections and requirements reach the
threats through ``skos:broader`` (``docs/data-model.md``). Links to ATLAS mitigations, other
OWASP lists and papers are not threats and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mosaic.loaders.threat_controls import mitigation
from mosaic.rdf.source import DeclaredMapping
from mosaic.rdf.vocab import Namespace, concept_namespace

REFERENCES = re.compile(r"^##\s+References\s*$")
HEADING = re.compile(r"^#{1,2}\s")
CHAPTER = re.compile(r"^#\s+C(\d+)\s")
MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]+)\)")
LLM_2025 = re.compile(r"\bLLM(?P<number>\d{2}):2025\b")
ATLAS_TECHNIQUE = re.compile(
    r"^https?://atlas\.mitre\.org/techniques/(?P<id>AML\.T\d{4}(?:\.\d{3})?)/?$"
)
LLM2025: Namespace = concept_namespace("owasp-llm-top10-2025")
ATLAS: Namespace = concept_namespace("mitre-atlas")


@dataclass(frozen=True)
class ChapterReference:
    """One threat a chapter's References name."""

    chapter: str
    target: str
    label: str
    line: int


def chapter_references(path: Path) -> list[ChapterReference]:
    """The LLM Top 10 2025 entries and ATLAS techniques one chapter file's References name.

    :param path: a chapter file (``0x10-C02-Input-Validation.md``).
    :returns: each threat once, in the order of the list; empty for a file without chapter
        heading or References.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    chapter = next((f"C{int(m[1])}" for line in lines if (m := CHAPTER.match(line))), None)
    if chapter is None:
        return []
    found: dict[str, ChapterReference] = {}
    inside = False
    for number, line in enumerate(lines, start=1):
        if REFERENCES.match(line):
            inside = True
            continue
        if inside and HEADING.match(line):
            inside = False
        if not inside:
            continue
        for link in MD_LINK.finditer(line):
            text, url = link["text"].strip(), link["url"]
            llm = LLM_2025.search(text)
            atlas = ATLAS_TECHNIQUE.match(url)
            if llm is not None:
                target = LLM2025[f"LLM{llm['number']}"].value
            elif atlas is not None:
                target = ATLAS[atlas["id"]].value
            else:
                continue
            found.setdefault(target, ChapterReference(chapter, target, text, number))
    return list(found.values())


def chapter_mitigations(
    folder: Path, chapter_glob: str, ns: Namespace, file_url: str
) -> list[DeclaredMapping]:
    """The threat -> control statements of every chapter file in ``folder``.

    :param folder: the ``1.0/en`` folder.
    :param chapter_glob: the chapter files' name pattern.
    :param ns: the AISVS namespace.
    :param file_url: the URL template of a file (``{name}``).
    """
    from pyoxigraph import NamedNode

    mappings = []
    for path in sorted(folder.glob(chapter_glob)):
        for ref in chapter_references(path):
            mappings.append(
                mitigation(
                    ns[ref.chapter],
                    NamedNode(ref.target),
                    source=file_url.format(name=path.name),
                    comment=f"named in the References of chapter {ref.chapter} (line {ref.line})",
                    object_label=ref.label.removeprefix("OWASP ").removeprefix("MITRE ATLAS: "),
                )
            )
    return mappings
