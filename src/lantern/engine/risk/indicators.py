"""Weighing signs: each a value from 0 to 1 with its evidence, times its configured weight."""

from __future__ import annotations

from collections.abc import Sequence


def weigh(
    values: dict[str, tuple[float, str]], weights: dict[str, float], order: Sequence[str]
) -> tuple[dict[str, dict], float, list[str]]:
    """(indicators with value, weight, points and evidence; the total; the evidence that scored)."""
    indicators = {
        name: {
            "value": round(value, 3),
            "weight": weights[name],
            "points": round(value * weights[name], 1),
            "evidence": evidence,
        }
        for name, (value, evidence) in values.items()
    }
    score = round(sum(i["points"] for i in indicators.values()), 1)
    shown = [f"{i['evidence']} (+{i['points']:g})" for name in order if (i := indicators[name])["points"]]
    return indicators, score, shown
