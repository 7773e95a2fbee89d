"""The issue's targets, each printed beside what this run measured, as a ratio, and summed up at the end."""

from __future__ import annotations

from dataclasses import dataclass

RESULTS: list[Target] = []


@dataclass(frozen=True)
class Target:
    label: str
    measured: float
    target: float
    unit: str
    higher_is_better: bool

    @property
    def met(self) -> bool:
        return self.measured >= self.target if self.higher_is_better else self.measured <= self.target

    @property
    def ratio(self) -> float:
        """How far from the target, as a multiple: ≥ 1.00 means met, whichever the direction."""
        if self.higher_is_better:
            return self.measured / self.target if self.target else float("inf")
        return self.target / self.measured if self.measured else float("inf")

    def line(self) -> str:
        sign = "≥" if self.higher_is_better else "≤"
        verdict = "met" if self.met else "NOT MET"
        return (
            f"  {self.label:<58} {self.measured:10.2f} {self.unit:<6} target {sign} {self.target:g} {self.unit:<6}"
            f" ratio {self.ratio:5.2f}  {verdict}"
        )


def record(label: str, measured: float, target: float, unit: str, *, higher_is_better: bool) -> str:
    found = Target(label, measured, target, unit, higher_is_better)
    RESULTS.append(found)
    return found.line()


def summary() -> str:
    lines = ["", "== Targets (ratio ≥ 1.00: met) =="]
    lines += [t.line() for t in RESULTS]
    lines.append(f"  {sum(t.met for t in RESULTS)} of {len(RESULTS)} targets met in this run")
    return "\n".join(lines)
