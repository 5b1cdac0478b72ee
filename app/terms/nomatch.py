"""The "no match" model: the probability that a source has a counterpart in the target.

A logistic regression (scikit-learn) on six numbers per source: its best cosine to an enriched
target text by each signal (word, char, wordllama), its best wordllama cosine to a linked
concept, the ranker's top score and the gap between the top two scores. It is trained on
out-of-fold ranker scores (a source is scored by a ranker that never saw its initiative), with
sources that have a counterpart as positives and sources without one as negatives
(:mod:`mosaic.terms.devsets`), classes weighted equally.

The threshold on the probability is chosen on the same out-of-fold data: the one that
maximises the macro F1 of "answer" and "abstain". The file also keeps the softmax
temperature that turns ranker scores into each candidate's share of the confidence.

Stored as a small JSON file (standardisation, coefficients, intercept, threshold,
temperature): a few numbers, readable and diffable, no pickle.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

INPUTS = (
    "best_word_enriched",
    "best_char_enriched",
    "best_wordllama_enriched",
    "best_wordllama_linked",
    "top_score",
    "top_margin",
)
Floats = npt.NDArray[np.float64]
#: Decimals kept in the file (and in memory, so both agree).
DECIMALS = 10


@dataclass(frozen=True)
class NoMatchModel:
    """Standardised logistic regression with its decision threshold and softmax temperature."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float
    threshold: float
    temperature: float

    def match_probability(self, inputs: npt.NDArray[np.floating]) -> Floats:
        """P(the source has a counterpart) per row of the six :data:`INPUTS`."""
        z = (np.asarray(inputs, dtype=np.float64) - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.coefficients) + self.intercept
        probability: Floats = 1.0 / (1.0 + np.exp(-logits))
        return probability

    def to_json(self) -> str:
        """The model as JSON text, numbers rounded for a stable file."""
        data = {
            "inputs": list(INPUTS),
            **{
                key: (
                    [round(v, DECIMALS) for v in value]
                    if isinstance(value, tuple)
                    else round(float(value), DECIMALS)
                )
                for key, value in asdict(self).items()
            },
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> NoMatchModel:
        """Read :meth:`to_json`'s text.

        :raises ValueError: when inputs or fields do not match this version.
        """
        data = json.loads(text)
        if data.get("inputs") != list(INPUTS):
            raise ValueError(f"no-match model inputs {data.get('inputs')} are not {list(INPUTS)}")
        return cls(
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coefficients=tuple(float(v) for v in data["coefficients"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            temperature=float(data["temperature"]),
        )

    def save(self, path: Path) -> None:
        """Write the JSON file."""
        path.write_text(self.to_json(), encoding="utf-8")


def best_threshold(probability: Floats, has_match: npt.NDArray[np.bool_]) -> float:
    """The threshold that maximises the macro F1 of answering and abstaining.

    Candidates are the midpoints between consecutive distinct probabilities; the lowest of
    equally good thresholds wins (answer when in doubt).
    """
    values = np.unique(probability)
    if len(values) < 2 or has_match.all() or not has_match.any():
        return 0.5
    candidates = (values[1:] + values[:-1]) / 2
    best, best_score = 0.5, -1.0
    for threshold in candidates:
        answer = probability >= threshold
        score = (_f1(answer, has_match) + _f1(~answer, ~has_match)) / 2
        if score > best_score + 1e-12:
            best, best_score = float(threshold), score
    return best


def _f1(predicted: npt.NDArray[np.bool_], actual: npt.NDArray[np.bool_]) -> float:
    true_positive = float((predicted & actual).sum())
    if true_positive == 0:
        return 0.0
    precision = true_positive / predicted.sum()
    recall = true_positive / actual.sum()
    return float(2 * precision * recall / (precision + recall))


def fit_no_match(
    inputs: npt.NDArray[np.floating], has_match: npt.NDArray[np.bool_], temperature: float
) -> NoMatchModel:
    """Fit the logistic model and choose its threshold.

    :param inputs: one row of the six :data:`INPUTS` per source (out-of-fold scores).
    :param has_match: per row, whether the source has a counterpart.
    :param temperature: the softmax temperature to keep with the model.
    """
    x = np.asarray(inputs, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    # Imported here, not with the module: only training fits it, and scikit-learn takes about
    # a second to import.
    from sklearn.linear_model import LogisticRegression

    regression = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    regression.fit(z, has_match.astype(int))
    model = NoMatchModel(
        mean=_rounded(mean),
        scale=_rounded(scale),
        coefficients=_rounded(regression.coef_[0]),
        intercept=round(float(regression.intercept_[0]), DECIMALS),
        threshold=0.5,
        temperature=temperature,
    )
    threshold = best_threshold(model.match_probability(x), has_match)
    return replace(model, threshold=round(threshold, DECIMALS))


def _rounded(values: npt.NDArray[np.floating]) -> tuple[float, ...]:
    """Rounded as in the file, so the model in memory is the model that is loaded back."""
    return tuple(round(float(v), DECIMALS) for v in values)
