"""The aligner's model: a LightGBM lambdarank booster, the "no match" model and the kind table.

``app/terms/trained/ranker.txt`` is the booster in LightGBM's text format,
``app/terms/trained/no-match.json`` the logistic model (:mod:`mosaic.terms.nomatch`) and
``app/terms/trained/kinds.json`` which kinds of target each kind of source may be offered
(:mod:`mosaic.terms.kind_pairs`: which rows of a typed source's pool are its candidates). All
three are written by ``mosaic train`` and reproduced by it byte for byte on the same machine
(another BLAS can move a rounded feature by one step, so across machines the retrained model
ranks like the shipped one rather than matching it byte for byte). Loading checks that the
booster was trained on this version's features and fails loudly otherwise: an aligner without
its model must say so, not answer with something else.

Ranker settings (measured in issue 16): 300 trees, learning rate 0.05, 15 leaves, at least 20
rows per leaf, 80 % of the rows (re-drawn every tree) and of the features per tree, fixed seed.
One thread and LightGBM's ``deterministic`` mode make two trainings on the same features give
the same file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mosaic.errors import ModelUnavailableError
from mosaic.resources import aligner_models_dir
from mosaic.terms.features import CATEGORICAL, COLUMN, FEATURE_NAMES
from mosaic.terms.kind_pairs import KindPairs
from mosaic.terms.nomatch import NoMatchModel

if TYPE_CHECKING:
    import lightgbm as lgb

MODELS_DIR = aligner_models_dir()
RANKER_FILE = "ranker.txt"
NO_MATCH_FILE = "no-match.json"
KINDS_FILE = "kinds.json"
SEED = 8477
#: Threads for predictions and SHAP values (rows are independent: the same numbers with any
#: count); training stays on one thread, which keeps the model file byte for byte the same.
PREDICT_THREADS = max(1, min(2, os.cpu_count() or 1))

RANKER_PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 20,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "random_state": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "n_jobs": 1,
    "verbose": -1,
}


@dataclass(frozen=True)
class AlignmentModel:
    """The ranker, the "no match" model and the kind table (a typed source's candidates)."""

    booster: lgb.Booster
    no_match: NoMatchModel
    kinds: KindPairs = field(default_factory=KindPairs)

    def score(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """The ranker's score of each row (higher is a better candidate)."""
        if len(features) == 0:
            return np.zeros(0)
        scores: npt.NDArray[np.float64] = np.asarray(
            self.booster.predict(features, num_threads=PREDICT_THREADS), dtype=np.float64
        )
        return scores

    def contributions(self, features: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
        """Per row, each feature's contribution to the score (SHAP values; last column: bias)."""
        if len(features) == 0:
            return np.zeros((0, len(FEATURE_NAMES) + 1))
        values: npt.NDArray[np.float64] = np.asarray(
            self.booster.predict(features, pred_contrib=True, num_threads=PREDICT_THREADS),
            dtype=np.float64,
        )
        return values


def fit_ranker(
    features: npt.NDArray[np.float32], labels: npt.NDArray[np.int64], groups: list[int]
) -> lgb.Booster:
    """Train the lambdarank booster on query groups (rows of one query are contiguous).

    :param features: one row per (source, target) pair, :data:`FEATURE_NAMES` columns.
    :param labels: 1 for a gold target, 0 otherwise.
    :param groups: the number of rows of each query, in order.
    :returns: the trained booster.
    """
    import lightgbm as lgb  # with the first use: its import pulls in scikit-learn (a second)

    ranker = lgb.LGBMRanker(**RANKER_PARAMS)
    ranker.fit(
        features,
        labels,
        group=groups,
        feature_name=list(FEATURE_NAMES),
        categorical_feature=[COLUMN[name] for name in CATEGORICAL],
    )
    booster: lgb.Booster = ranker.booster_
    return booster


def booster_text(booster: lgb.Booster) -> str:
    """The booster in LightGBM's text format (what ``ranker.txt`` holds)."""
    text: str = booster.model_to_string()
    return text


def save_model(model: AlignmentModel, folder: Path = MODELS_DIR) -> tuple[Path, Path, Path]:
    """Write ``ranker.txt``, ``no-match.json`` and ``kinds.json`` into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    ranker = folder / RANKER_FILE
    ranker.write_text(booster_text(model.booster), encoding="utf-8")
    no_match = folder / NO_MATCH_FILE
    model.no_match.save(no_match)
    kinds = folder / KINDS_FILE
    kinds.write_text(model.kinds.to_json(), encoding="utf-8")
    return ranker, no_match, kinds


def load_model(folder: Path = MODELS_DIR) -> AlignmentModel:
    """Read the shipped model files.

    :param folder: where ``ranker.txt``, ``no-match.json`` and ``kinds.json`` are.
    :raises ModelUnavailableError: when a file is missing or unreadable, or was trained on
        other features than this version computes.
    """
    ranker = folder / RANKER_FILE
    no_match = folder / NO_MATCH_FILE
    kinds = folder / KINDS_FILE
    retrain = "run `mosaic train` to write it"
    for path in (ranker, no_match, kinds):
        if not path.is_file():
            raise ModelUnavailableError(f"aligner model file {path} is missing; {retrain}")
    import lightgbm as lgb  # with the first use: its import pulls in scikit-learn (a second)

    try:
        booster = lgb.Booster(model_str=ranker.read_text(encoding="utf-8"))
        model = NoMatchModel.from_json(no_match.read_text(encoding="utf-8"))
        table = KindPairs.from_json(kinds.read_text(encoding="utf-8"))
    except (lgb.basic.LightGBMError, ValueError, KeyError, OSError) as exc:
        raise ModelUnavailableError(
            f"aligner model in {folder} cannot be read ({exc}); {retrain}"
        ) from exc
    if tuple(booster.feature_name()) != FEATURE_NAMES:
        raise ModelUnavailableError(
            f"{ranker} was trained on other features than this version computes; {retrain}"
        )
    return AlignmentModel(booster=booster, no_match=model, kinds=table)


#: The folder :func:`shipped_model` reads; ``None`` is the package's own files.
_model_dir: Path | None = None


def use_model_dir(folder: Path | None) -> None:
    """Make ``folder`` (a model retrained on a live store) the one the aligner uses.

    Called where settings are read (the app factory, every CLI command), so setting
    ``aligner_model_dir`` switches every ranking in the process; ``None`` restores the shipped
    model. The next :func:`shipped_model` call reads the files again.
    """
    global _model_dir
    if folder != _model_dir:
        _model_dir = folder
        _cached_model.cache_clear()


@lru_cache(maxsize=1)
def _cached_model(folder: Path) -> AlignmentModel:
    return load_model(folder)


def shipped_model() -> AlignmentModel:
    """The model in use, loaded once per process: the package's, or ``aligner_model_dir``'s.

    :raises ModelUnavailableError: see :func:`load_model`.
    """
    return _cached_model(_model_dir or MODELS_DIR)
