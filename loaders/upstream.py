"""The upstream formats ``mosaic load --from FORMAT PATH`` reads: an initiative's own files.

Each entry names the converter module of one initiative's published format and the initiative
it loads into. Converting a user's copy keeps the upstream's own definitions and the crosswalks
the upstream declares (our bundled data carries our own words instead).

Each entry is registered as an entry point of the ``mosaic.converters`` group in
``pyproject.toml`` (the entry point's name is the format's); the dataset finds them there
(:mod:`mosaic.dataset.converters`), so the app never imports this package. A converter module
is imported only when its format is converted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mosaic.errors import ParameterError
from mosaic.rdf.source import LoadResult


@dataclass(frozen=True)
class UpstreamFormat:
    """A published format, the module that converts it and the initiative it feeds."""

    name: str
    initiative_id: str
    module: str
    description: str
    options: tuple[tuple[str, Any], ...] = ()

    def convert(self, path: str, /) -> LoadResult:
        """Convert ``path`` with the module's ``convert`` and this format's fixed options."""
        return self.converter()(path)

    def converter(self) -> Callable[[str], LoadResult]:
        """The module's ``convert`` with this format's fixed options."""
        convert = importlib.import_module(self.module).convert
        options = dict(self.options)

        def run(path: str) -> LoadResult:
            result: LoadResult = convert(path, **options)
            return result

        return run


ATLAS = UpstreamFormat(
    "atlas", "mitre-atlas", "mosaic.loaders.mitre_atlas", "MITRE ATLAS dist/ATLAS.yaml"
)
OWASP_AIEXCHANGE = UpstreamFormat(
    "owasp-aiexchange",
    "owasp-aiexchange",
    "mosaic.loaders.owasp_aiexchange",
    "OWASP AI Exchange Hugo pages (content/ai_exchange/content/docs)",
)
OWASP_LLM_TOP10_2025 = UpstreamFormat(
    "owasp-llm-top10-2025",
    "owasp-llm-top10-2025",
    "mosaic.loaders.owasp_llm_top10",
    "OWASP Top 10 for LLM Applications 2025 Markdown (2_0_vulns)",
    (("edition", "2025"),),
)
OWASP_LLM_TOP10_2023 = UpstreamFormat(
    "owasp-llm-top10-2023",
    "owasp-llm-top10-2023",
    "mosaic.loaders.owasp_llm_top10",
    "OWASP Top 10 for LLM Applications v1.1 Markdown (Archive/1_1_vulns)",
    (("edition", "2023"),),
)
COSAI = UpstreamFormat(
    "cosai",
    "cosai-risk-map",
    "mosaic.loaders.cosai_risk_map",
    "CoSAI Risk Map YAML (risk-map/yaml)",
)
OWASP_AISVS = UpstreamFormat(
    "owasp-aisvs", "owasp-aisvs", "mosaic.loaders.owasp_aisvs", "OWASP AISVS Markdown (1.0/en)"
)
AVID = UpstreamFormat(
    "avid", "avid", "mosaic.loaders.avid", "AVID taxonomy pages (content/taxonomy)"
)
OWASP_AGENTIC = UpstreamFormat(
    "owasp-agentic",
    "owasp-agentic-threats",
    "mosaic.loaders.owasp_agentic",
    "OWASP Agentic Security Initiative Markdown (initiatives/agent_security_initiative)",
)

#: Every upstream format by name (each is also an entry point of ``mosaic.converters``).
UPSTREAM_FORMATS: dict[str, UpstreamFormat] = {
    f.name: f
    for f in (
        ATLAS,
        OWASP_AIEXCHANGE,
        OWASP_LLM_TOP10_2025,
        OWASP_LLM_TOP10_2023,
        COSAI,
        OWASP_AISVS,
        AVID,
        OWASP_AGENTIC,
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
