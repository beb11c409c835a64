"""What the page says of a plan being made: the real phase in words, and how far it is."""

from __future__ import annotations

from dataclasses import dataclass

from service.console.labels import t
from service.messages import Language
from service.storage.models import PlanJob
from service.vocabulary import label


@dataclass(frozen=True)
class Shown:
    """The progress bar's value and the sentence beside it."""

    fraction: float
    text: str


def honest_progress(job: PlanJob, language: Language) -> Shown:
    """The job's progress as the page shows it.

    Parameters
    ----------
    job
        A plan job in any state.
    language
        The page's language.

    Returns
    -------
    Shown
        The share of the time limit spent (the solver reports it; the time limit is wall-clock
        seconds, so the page may advance it between reports) and, for example,
        ``求解中 · 寻找更好的安排``: the job's state and the phase it is in, in words.
    """
    state = t(language, f"job.{job.status}")
    if job.status == "queued":
        return Shown(0.0, state)
    if job.status != "running":
        return Shown(job.progress, state)
    phase = label(language, "phase", job.phase or "starting")
    return Shown(job.progress, f"{state} · {phase}")
