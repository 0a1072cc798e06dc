"""The referral prompt the person page shows when a person's risk crosses the threshold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lantern.safeguarding.selectors import referral_prompt


def test_no_prompt_below_the_threshold_without_a_score_or_with_a_referral():
    assert referral_prompt(person_risk_score=0.49, threshold=0.5, has_referral=False, is_child=False) is None
    assert referral_prompt(person_risk_score=None, threshold=0.5, has_referral=False, is_child=True) is None
    assert referral_prompt(person_risk_score=0.9, threshold=0.5, has_referral=True, is_child=True) is None


def test_a_child_at_the_threshold_is_prompted_for_an_nrm_without_consent():
    text = referral_prompt(person_risk_score=0.5, threshold=0.5, has_referral=False, is_child=True)
    assert "National Referral Mechanism" in text and "no consent" in text and "MS1" not in text


def test_an_adult_is_offered_the_nrm_and_the_ms1_if_they_decline():
    text = referral_prompt(person_risk_score=7, threshold=5, has_referral=False, is_child=False)
    assert "offer a National Referral Mechanism" in text and "MS1" in text


def test_an_unknown_age_is_treated_as_possibly_a_child():
    text = referral_prompt(person_risk_score=7, threshold=5, has_referral=False, is_child=None)
    assert "treat them as a child" in text and "MS1" in text


@given(
    st.one_of(st.none(), st.floats(allow_nan=False)),
    st.floats(allow_nan=False),
    st.booleans(),
    st.one_of(st.none(), st.booleans()),
)
def test_a_prompt_exactly_when_at_or_above_the_threshold_with_no_referral(score, threshold, has, child):
    text = referral_prompt(person_risk_score=score, threshold=threshold, has_referral=has, is_child=child)
    expected = score is not None and not has and score >= threshold
    assert (text is not None) == expected
