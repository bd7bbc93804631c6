from pathlib import Path

import pytest

from enrichment.taxonomy import (
    CATEGORY_INFO,
    CATEGORY_PRIORITY,
    SEVERITY_RANK,
    Category,
    HcatDomain,
    Severity,
    category_info,
    max_severity,
    triage_sort_key,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "taxonomy.md"


@pytest.mark.parametrize(
    ("category", "domain"),
    [
        (Category.CLINICAL_QUALITY, HcatDomain.CLINICAL),
        (Category.SAFETY, HcatDomain.CLINICAL),
        (Category.WAIT_TIMES, HcatDomain.MANAGEMENT),
        (Category.APPOINTMENTS_ACCESS, HcatDomain.MANAGEMENT),
        (Category.BILLING_INSURANCE, HcatDomain.MANAGEMENT),
        (Category.ADMISSION_DISCHARGE, HcatDomain.MANAGEMENT),
        (Category.FACILITIES_ENVIRONMENT, HcatDomain.MANAGEMENT),
        (Category.COMMUNICATION, HcatDomain.RELATIONSHIPS),
        (Category.STAFF_ATTITUDE, HcatDomain.RELATIONSHIPS),
        (Category.PRIVACY_RIGHTS, HcatDomain.RELATIONSHIPS),
    ],
)
def test_each_category_maps_to_its_hcat_domain(category, domain):
    assert category_info(category).hcat_domain == domain


def test_every_category_has_label_description_domain_and_default_severity():
    assert set(CATEGORY_INFO) == set(Category.values)
    for info in CATEGORY_INFO.values():
        assert info.label and info.description and info.hcat_category
        assert info.default_severity in Severity.values


def test_priority_order_puts_safety_first_and_facilities_last():
    assert CATEGORY_PRIORITY[0] == Category.SAFETY
    assert CATEGORY_PRIORITY[-1] == Category.FACILITIES_ENVIRONMENT
    assert sorted(info.priority for info in CATEGORY_INFO.values()) == list(range(1, 11))


def test_severities_rank_low_to_critical():
    assert sorted(SEVERITY_RANK, key=SEVERITY_RANK.get) == ["low", "medium", "high", "critical"]


def test_triage_sort_key_puts_critical_first_then_category_priority_then_non_complaints():
    items = [
        (None, None),
        ("low", "facilities_environment"),
        ("critical", "facilities_environment"),
        ("high", "wait_times"),
        ("high", "safety"),
    ]
    ordered = sorted(items, key=lambda item: triage_sort_key(severity=item[0], category=item[1]))
    assert ordered == [
        ("critical", "facilities_environment"),
        ("high", "safety"),
        ("high", "wait_times"),
        ("low", "facilities_environment"),
        (None, None),
    ]


def test_max_severity_ignores_missing_values():
    assert max_severity("low", None, "high", "medium") == "high"
    assert max_severity(None, None) is None


def test_docs_describe_every_category_and_severity():
    text = DOCS.read_text(encoding="utf-8")
    for value in [*Category.values, *Severity.values]:
        assert f"`{value}`" in text, value
