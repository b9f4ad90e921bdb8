"""A learned urgency classifier that stands beside the rules in bot/understanding/urgency.py.

Why a model: measured on messages written independently of our data, the rules caught only
about half of the emergencies. Owners describe danger in words no list of cues anticipates
(电梯卡在两层中间 + 我爸在里面, 水哗哗往外流, 插座冒火星子). A classifier over character
n-grams learns those families of wording from examples; the rules keep their precision and
their reasons, and bot/understanding/urgency.py takes the more severe of the two.

What it reads: the owner's words with every cue the rules cancelled (没有燃气味, 万一漏气)
replaced by one mark, so it need not learn negation from a thousand examples.

Why it is trained at first use instead of shipped as a file: the corpus (data/urgency/,
about 1,200 short messages) trains in a fraction of a second, so there is no artifact that
could go stale against its data, nothing to rebuild by hand, and models/ (gitignored,
Rasa's folder) is left to Rasa. Training is deterministic: the same corpus gives the same
model.

The labels are flat: "emergency:<kind>" for the six danger kinds, "urgent", "normal". The
chosen classifier (a linear SVM, docs/urgency.md says why) calls a message an emergency
when an emergency label scores highest; the kind is that label, so the safety advice can
follow the danger even where the rules found no cue. Logistic regression with a threshold
on P(emergency) is kept as a measured alternative.

`python -m bot.understanding.urgency_model` prints the figures of docs/urgency.md.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "data" / "urgency"
USER_DICT = ROOT / "data" / "jieba" / "property_terms.txt"

Level = Literal["emergency", "urgent", "normal"]
LEVELS: tuple[Level, ...] = ("emergency", "urgent", "normal")
# The danger kinds; each chooses its own safety advice.
KINDS: tuple[str, ...] = ("gas", "lift", "flood", "fire", "falling", "electric")
_EMERGENCY_PREFIX = "emergency:"
# Long messages are cut for the model only (the rules read the whole text): a danger
# sentence at the end of a long story is the rules' to find; the model is not slowed down.
_MAX_MODEL_CHARS = 600


@dataclass(frozen=True)
class Example:
    """One labelled message: its level, its danger kind (emergencies only) and its topic."""

    text: str
    level: Level
    kind: str | None
    group: str

    @property
    def label(self) -> str:
        """The flat training label: "emergency:gas", "urgent", "normal"."""
        return f"{_EMERGENCY_PREFIX}{self.kind}" if self.level == "emergency" else self.level


def load_examples(paths: Path | Iterable[Path] = CORPUS_DIR) -> list[Example]:
    """Messages from one YAML file, several, or every *.yml in a folder.

    The layout is level -> group -> messages; under "emergency" the group must be a danger
    kind, so a typo in the corpus fails loudly instead of teaching a seventh kind.
    """
    if isinstance(paths, Path):
        paths = sorted(paths.glob("*.yml")) if paths.is_dir() else [paths]
    examples: list[Example] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for level, groups in data.items():
            if level not in LEVELS:
                raise ValueError(f"{path}: unknown level {level!r}")
            for group, texts in (groups or {}).items():
                if level == "emergency" and group not in KINDS:
                    raise ValueError(f"{path}: unknown danger kind {group!r}")
                for text in texts or []:
                    examples.append(Example(str(text), level, group if level == "emergency"
                                            else None, group))
    return examples


def normalize(text: str, rule_masking: bool = True) -> str:
    """What the model reads: width-folded, lower-case, punctuation and spaces as one space;
    with `rule_masking`, each cue the rules cancel (negated, hypothetical, talk, a closed
    past) first replaced by one mark (bot.understanding.urgency.blank_for_model).

    Owners write the same words with and without punctuation, in full and half width; the
    model should see one thing.
    """
    text = (text or "")[:_MAX_MODEL_CHARS]
    if rule_masking:
        from bot.understanding.urgency import blank_for_model

        text = blank_for_model(text)
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[\W_]+", " ", text).strip()


@dataclass(frozen=True)
class ModelSettings:
    """The options compared in docs/urgency.md; the defaults are the chosen ones (a linear
    SVM over character 1-3-grams of the rule-masked text: with the rules beside it, the best
    held-out emergency recall and, among the options as good on cross-validation, the best
    accuracy; it also trains in a fraction of a second)."""

    char_ngrams: tuple[int, int] = (1, 3)
    # jieba words (1-2-grams) beside the characters: measured, they did not help.
    words: bool = False
    classifier: Literal["logreg", "linear_svm"] = "linear_svm"
    C: float = 1.0
    # Replace the cues the rules cancel (没有燃气味, 万一漏气) by one mark before reading.
    rule_masking: bool = True
    # logreg: P(emergency) at or above this is an emergency.
    emergency_threshold: float = 0.5
    # linear_svm: an emergency when its best margin is within this of the best other
    # label's (0 = plain argmax; larger leans toward emergency).
    emergency_margin: float = 0.0


DEFAULT_SETTINGS = ModelSettings()


@dataclass(frozen=True)
class ModelVerdict:
    """The model's reading of one message. `emergency_score` says how strongly it leans to
    emergency: P(emergency) for logistic regression; for the SVM the best emergency margin
    minus the best other margin (above -emergency_margin means emergency)."""

    level: Level
    kind: str | None
    emergency_score: float


class _Words:
    """jieba words from a private tokenizer, so what other modules add to jieba's global
    dictionary (bot/knowledge/retrieval.py does) cannot change this model's features."""

    def __init__(self) -> None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        if USER_DICT.exists():
            self._tokenizer.load_userdict(str(USER_DICT))

    def __call__(self, text: str) -> list[str]:
        return [word for word in self._tokenizer.lcut(text) if word.strip()]


def _pipeline(settings: ModelSettings) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    parts = [TfidfVectorizer(analyzer="char", ngram_range=settings.char_ngrams,
                             sublinear_tf=True, lowercase=False)]
    if settings.words:
        parts.append(TfidfVectorizer(tokenizer=_Words(), lowercase=False, token_pattern=None,
                                     ngram_range=(1, 2), sublinear_tf=True))
    if settings.classifier == "linear_svm":
        classifier: Any = LinearSVC(C=settings.C, class_weight="balanced", random_state=0)
    else:
        classifier = LogisticRegression(C=settings.C, class_weight="balanced", max_iter=5000,
                                        random_state=0)
    return make_pipeline(make_union(*parts), classifier)


class UrgencyModel:
    """A trained classifier and the threshold that turns its scores into a level."""

    def __init__(self, pipeline: Any, settings: ModelSettings) -> None:
        self._pipeline = pipeline
        self.settings = settings
        self._labels: list[str] = list(pipeline.classes_)

    @classmethod
    def train(cls, examples: Sequence[Example],
              settings: ModelSettings = DEFAULT_SETTINGS) -> UrgencyModel:
        """Fit on the examples; the same examples and settings give the same model."""
        if not examples:
            raise ValueError("no urgency examples to train on")
        pipeline = _pipeline(settings)
        pipeline.fit([normalize(e.text, settings.rule_masking) for e in examples],
                     [e.label for e in examples])
        return cls(pipeline, settings)

    def predict(self, text: str) -> ModelVerdict:
        """The model's level and kind for one message."""
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[ModelVerdict]:
        """The model's verdicts for many messages at once (evaluation, cross-validation)."""
        return [self.decide(scores) for scores in self.scores(texts)]

    def scores(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per-label scores (probabilities for logistic regression); empty for a message
        with nothing to read, which is then normal."""
        normal = [normalize(t, self.settings.rule_masking) for t in texts]
        readable = [i for i, t in enumerate(normal) if t]
        result: list[dict[str, float]] = [{} for _ in texts]
        if readable:
            rows = self._raw_scores([normal[i] for i in readable])
            for i, row in zip(readable, rows):
                result[i] = {label: float(p) for label, p in zip(self._labels, row)}
        return result

    def decide(self, scores: dict[str, float], lean: float | None = None) -> ModelVerdict:
        """Scores to a verdict. `lean` overrides the settings' emergency_threshold (logistic
        regression) or emergency_margin (SVM), so thresholds can be compared on the same
        scores (docs/urgency.md)."""
        if not scores:
            return ModelVerdict("normal", None, 0.0)
        emergency = {label[len(_EMERGENCY_PREFIX):]: p for label, p in scores.items()
                     if label.startswith(_EMERGENCY_PREFIX)}
        others = {label: p for label, p in scores.items()
                  if not label.startswith(_EMERGENCY_PREFIX)}
        if self.settings.classifier == "linear_svm":
            margin = self.settings.emergency_margin if lean is None else lean
            score = max(emergency.values()) - max(others.values())
            is_emergency = score + margin >= 0
        else:
            threshold = self.settings.emergency_threshold if lean is None else lean
            score = sum(emergency.values())
            is_emergency = score >= threshold
        if is_emergency:
            kind = max(emergency, key=lambda k: (emergency[k], k))
            return ModelVerdict("emergency", kind, score)
        level: Level = ("urgent" if others.get("urgent", 0.0) >= others.get("normal", 0.0)
                        else "normal")
        return ModelVerdict(level, None, score)

    def _raw_scores(self, texts: list[str]) -> Any:
        if hasattr(self._pipeline, "predict_proba"):
            return self._pipeline.predict_proba(texts)
        return self._pipeline.decision_function(texts)


def cross_validate(examples: Sequence[Example], settings: ModelSettings = DEFAULT_SETTINGS,
                   folds: int = 5) -> list[ModelVerdict]:
    """Out-of-fold verdicts, in the examples' order (stratified by label, fixed shuffle)."""
    return [model.decide(scores) for model, scores in
            cross_validated_scores(examples, settings, folds)]


def cross_validated_scores(examples: Sequence[Example],
                           settings: ModelSettings = DEFAULT_SETTINGS,
                           folds: int = 5) -> list[tuple[UrgencyModel, dict[str, float]]]:
    """Out-of-fold scores with the fold's model, so thresholds can be compared without
    training again (docs/urgency.md)."""
    from sklearn.model_selection import StratifiedKFold

    labels = [e.label for e in examples]
    found: list[tuple[UrgencyModel, dict[str, float]] | None] = [None] * len(examples)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=0)
    for train_idx, test_idx in splitter.split(labels, labels):
        model = UrgencyModel.train([examples[i] for i in train_idx], settings)
        for i, scores in zip(test_idx, model.scores([examples[i].text for i in test_idx])):
            found[i] = (model, scores)
    return [item for item in found if item is not None]



_lock = threading.Lock()
_model: UrgencyModel | None = None
_failed = False


def default_model() -> UrgencyModel | None:
    """The model trained from data/urgency/ with the chosen settings, once per process.

    None when it cannot be trained (corpus missing or broken): urgency then falls back to
    the rules alone, with the error logged once, rather than failing an owner's message.
    """
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            try:
                _model = UrgencyModel.train(load_examples(CORPUS_DIR))
            except Exception:  # noqa: BLE001 - any failure means "rules only", said once
                log.exception("urgency model could not be trained; using the rules alone")
                _failed = True
    return _model


def predict(text: str) -> ModelVerdict | None:
    """The default model's verdict, or None when there is no model."""
    model = default_model()
    return model.predict(text) if model else None


# --- measuring (docs/urgency.md): python -m bot.understanding.urgency_model ---

HOLDOUT = ROOT / "tests" / "data" / "urgency_holdout.yml"


@dataclass(frozen=True)
class Scores:
    """How a reader did on labelled messages."""

    n: int
    emergency_recall: float
    accuracy: float
    false_emergencies: int
    # confusion[gold][predicted] = count
    confusion: dict[str, dict[str, int]]
    # Share of caught emergencies whose danger kind is right (None when no kind was given).
    kind_accuracy: float | None = None


def score(examples: Sequence[Example], levels: Sequence[str],
          kinds: Sequence[str | None] | None = None) -> Scores:
    """Emergency recall, accuracy, false emergencies and the confusion matrix."""
    confusion = {gold: {pred: 0 for pred in LEVELS} for gold in LEVELS}
    for example, level in zip(examples, levels):
        confusion[example.level][level] += 1
    emergencies = sum(confusion["emergency"].values())
    right = sum(confusion[level][level] for level in LEVELS)
    kind_accuracy = None
    if kinds is not None:
        caught = [(e.kind, k) for e, level, k in zip(examples, levels, kinds)
                  if e.level == "emergency" and level == "emergency"]
        kind_accuracy = sum(g == k for g, k in caught) / len(caught) if caught else None
    return Scores(
        n=len(examples),
        emergency_recall=confusion["emergency"]["emergency"] / emergencies if emergencies else 1.0,
        accuracy=right / len(examples) if examples else 1.0,
        false_emergencies=confusion["urgent"]["emergency"] + confusion["normal"]["emergency"],
        confusion=confusion,
        kind_accuracy=kind_accuracy,
    )


def more_severe(first: str, second: str) -> str:
    """The more severe of two levels (the combination's rule)."""
    return first if LEVELS.index(first) <= LEVELS.index(second) else second


def evaluate(examples: Sequence[Example], holdout: Sequence[Example],
             settings: ModelSettings = DEFAULT_SETTINGS) -> dict[str, dict[str, Scores]]:
    """Rules alone, model alone and the combination, on cross-validation over `examples`
    and on `holdout` (the model trained on all of `examples`)."""
    from bot.understanding.urgency import assess_by_rules

    results: dict[str, dict[str, Scores]] = {}
    folds = cross_validated_scores(examples, settings)
    cv_model = [model.decide(scores) for model, scores in folds]
    final = UrgencyModel.train(examples, settings)
    held_model = final.predict_many([e.text for e in holdout])
    for name, rows, verdicts in (("cross-validation", examples, cv_model),
                                 ("held-out", holdout, held_model)):
        rules = [assess_by_rules(e.text) for e in rows]
        combined = [more_severe(r.level, v.level) for r, v in zip(rules, verdicts)]
        combined_kinds = [r.kind if r.kind else v.kind for r, v in zip(rules, verdicts)]
        results[name] = {
            "rules": score(rows, [r.level for r in rules], [r.kind for r in rules]),
            "model": score(rows, [v.level for v in verdicts], [v.kind for v in verdicts]),
            "rules + model": score(rows, combined, combined_kinds),
        }
    return results


def markdown(results: dict[str, dict[str, Scores]]) -> str:
    """The tables of docs/urgency.md."""
    lines = ["| set | reader | emergency recall | accuracy | false emergencies | kind right |",
             "|---|---|---|---|---|---|"]
    for name, readers in results.items():
        for reader, s in readers.items():
            kind = f"{s.kind_accuracy:.3f}" if s.kind_accuracy is not None else "-"
            lines.append(f"| {name} (n={s.n}) | {reader} | {s.emergency_recall:.3f} | "
                         f"{s.accuracy:.3f} | {s.false_emergencies} | {kind} |")
    for name, readers in results.items():
        for reader, s in readers.items():
            lines += ["", f"{name}, {reader} (rows: truth, columns: read as)", "",
                      "| | emergency | urgent | normal |", "|---|---|---|---|"]
            for gold in LEVELS:
                row = s.confusion[gold]
                lines.append(f"| {gold} | {row['emergency']} | {row['urgent']} | {row['normal']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(evaluate(load_examples(CORPUS_DIR), load_examples(HOLDOUT))))


__all__ = [
    "CORPUS_DIR", "DEFAULT_SETTINGS", "HOLDOUT", "KINDS", "LEVELS", "Example", "ModelSettings",
    "ModelVerdict", "Scores", "UrgencyModel", "cross_validate", "cross_validated_scores",
    "default_model", "evaluate", "load_examples", "markdown", "more_severe", "normalize",
    "predict", "score",
]
