"""The independent plan checker: which rules of the spec a plan breaks.

It reads a scenario and a plan (the wire models) and nothing else, and computes travel itself,
so that it shares no code with the solver in ``service.matching``.
"""

from service.checker.check import check_plan
from service.checker.violation import Violation

__all__ = ["Violation", "check_plan"]
