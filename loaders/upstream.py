"""The upstream formats ``mosaic load --from FORMAT PATH`` reads: an initiative's own files.

Each entry names the converter module of one initiative's published format and the initiative
it loads into. Converting a user's copy keeps the upstream's own definitions and the crosswalks
the upstream declares (our bundled data carries our own words instead).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.errors import ParameterError
from loaders.base import LoadResult


@dataclass(frozen=True)
class UpstreamFormat:
    """A published format, the module that converts it and the initiative it feeds."""

    name: str
    initiative_id: str
    module: str
    description: str
    options: tuple[tuple[str, Any], ...] = ()

    def converter(self) -> Callable[[str], LoadResult]:
        """The module's ``convert`` with this format's fixed options."""
        convert = importlib.import_module(self.module).convert
        options = dict(self.options)

        def run(path: str) -> LoadResult:
            result: LoadResult = convert(path, **options)
            return result

        return run


UPSTREAM_FORMATS: dict[str, UpstreamFormat] = {
    f.name: f
    for f in (
        UpstreamFormat(
            "atlas", "mitre-atlas", "loaders.mitre_atlas", "MITRE ATLAS dist/ATLAS.yaml"
        ),
        UpstreamFormat(
            "owasp-aiexchange",
            "owasp-aiexchange",
            "loaders.owasp_aiexchange",
            "OWASP AI Exchange Hugo pages (content/ai_exchange/content/docs)",
        ),
        UpstreamFormat(
            "owasp-llm-top10-2025",
            "owasp-llm-top10-2025",
            "loaders.owasp_llm_top10",
            "OWASP Top 10 for LLM Applications 2025 Markdown (2_0_vulns)",
            (("edition", "2025"),),
        ),
        UpstreamFormat(
            "owasp-llm-top10-2023",
            "owasp-llm-top10-2023",
            "loaders.owasp_llm_top10",
            "OWASP Top 10 for LLM Applications v1.1 Markdown (Archive/1_1_vulns)",
            (("edition", "2023"),),
        ),
        UpstreamFormat(
            "cosai",
            "cosai-risk-map",
            "loaders.cosai_risk_map",
            "CoSAI Risk Map YAML (risk-map/yaml)",
        ),
        UpstreamFormat(
            "owasp-aisvs", "owasp-aisvs", "loaders.owasp_aisvs", "OWASP AISVS Markdown (1.0/en)"
        ),
        UpstreamFormat("avid", "avid", "loaders.avid", "AVID taxonomy pages (content/taxonomy)"),
        UpstreamFormat(
            "owasp-agentic",
            "owasp-agentic-threats",
            "loaders.owasp_agentic",
            "OWASP Agentic Security Initiative Markdown (initiatives/agent_security_initiative)",
        ),
    )
}


def upstream_format(name: str) -> UpstreamFormat:
    """The upstream format of that name.

    :raises ParameterError: when there is none.
    """
    try:
        return UPSTREAM_FORMATS[name]
    except KeyError as exc:
        known = ", ".join(sorted(UPSTREAM_FORMATS))
        raise ParameterError(f"unknown upstream format {name!r} (known: {known})") from exc
