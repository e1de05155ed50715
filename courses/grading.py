"""Grading a knowledge check on the server, from the block's answer key.

A question is answered correctly when the options chosen are exactly its correct options. Until
the learner passes, results say which *questions* were right; the correct options and the
explanations of questions still wrong are revealed only once the check is passed, so a failed
attempt cannot simply be copied into the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

Answers = dict[int, frozenset[int]]


@dataclass(frozen=True)
class OptionResult:
    index: int
    text: str
    chosen: bool
    correct: bool | None  # None: not revealed yet


@dataclass(frozen=True)
class QuestionResult:
    index: int
    prompt: str
    multiple: bool
    options: list[OptionResult]
    answered_correctly: bool
    explanation: str


@dataclass(frozen=True)
class CheckResult:
    questions: list[QuestionResult]
    correct_count: int
    total: int
    pass_percentage: int

    @property
    def score(self) -> int:
        return round(100 * self.correct_count / self.total) if self.total else 0

    @property
    def passed(self) -> bool:
        return self.total > 0 and self.score >= self.pass_percentage


def correct_needed(total: int, pass_percentage: int) -> int:
    """How many questions out of `total` must be right to reach the pass mark, as `grade`
    rounds the score: what the page tells the learner before they answer."""
    if not total:
        return 0
    pass_percentage = min(pass_percentage or 100, 100)  # all right (n = total) always passes
    return next(n for n in range(total + 1) if round(100 * n / total) >= pass_percentage)


def correct_options(question) -> frozenset[int]:
    return frozenset(i for i, option in enumerate(question["options"]) if option["correct"])


def grade(check, answers: Answers) -> CheckResult:
    """Grade `answers` ({question index: chosen option indexes}) against the check block value."""
    questions = list(check["questions"])
    verdicts = [answers.get(i, frozenset()) == correct_options(q) for i, q in enumerate(questions)]
    correct_count = sum(verdicts)
    total = len(questions)
    pass_percentage = check["pass_percentage"] or 100
    passed = total > 0 and correct_count >= correct_needed(total, pass_percentage)
    results = []
    for i, question in enumerate(questions):
        chosen = answers.get(i, frozenset())
        key = correct_options(question)
        results.append(
            QuestionResult(
                index=i,
                prompt=question["prompt"],
                multiple=bool(question["multiple"]),
                options=[
                    OptionResult(
                        index=j,
                        text=option["text"],
                        chosen=j in chosen,
                        correct=(j in key) if passed else None,
                    )
                    for j, option in enumerate(question["options"])
                ],
                answered_correctly=verdicts[i],
                explanation=question["explanation"] if (passed or verdicts[i]) else "",
            )
        )
    return CheckResult(results, correct_count, total, pass_percentage)


def to_stored(answers: Answers) -> dict[str, list[int]]:
    """Answers as JSON keeps them (LessonProgress.check_answers)."""
    return {str(q): sorted(chosen) for q, chosen in sorted(answers.items())}


def from_stored(stored: dict | None) -> Answers:
    answers: Answers = {}
    for key, chosen in (stored or {}).items():
        try:
            answers[int(key)] = frozenset(int(c) for c in chosen)
        except (TypeError, ValueError):
            continue  # a hand-edited or outdated record: grade it as unanswered
    return answers
