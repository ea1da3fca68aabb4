"""Role matching on a table of real-world-style title pairs.

Titles come from the board fixtures (tests/fixtures/*/) or are written the
way those boards write them. Decisions the table encodes:

* a seniority or level change of the same role is the same role;
* "Paid Search Marketing" (the user's shorthand) is the same role as
  "Senior Paid Search Marketing Manager": one extra word on three shared ones;
* an intern and a director of the same function are different roles, as are
  "Head of Marketing" and "Marketing Manager";
* a different team suffix ("Cloud Backup" / "Cloud Billing") is a different role.
"""

from __future__ import annotations

import pytest

from secondchance.core.matching import DEFAULT_THRESHOLD, best_match, normalise_role, similarity

SAME_ROLE: list[tuple[str, str]] = [
    ("Paid Search Marketing Manager", "Senior Paid Search Marketing Manager"),
    ("Paid Search Marketing", "Senior Paid Search Marketing Manager"),
    ("Software Engineer II, Payments", "Software Engineer III - Payments"),
    ("Data Analyst (Remote)", "Data Analyst - Remote US"),
    ("Product Designer (m/f/d)", "Product Designer"),
    ("Account Executive, Mid-Market (R12345)", "Account Executive - Mid Market"),
    ("Sr. Backend Engineer (Python)", "Backend Engineer, Python"),
    (
        "Business Development Manager - Tieto Tech Consulting (m/f/d)",
        "Business Development Manager - Tieto Tech Consulting (f/m/x)",
    ),
    ("Senior Backend Engineer (Remote, Brazil)", "Staff Backend Engineer (Remote, Canada)"),
    ("Programs and Business Operations Lead", "Program and Business Operations Lead"),
    ("Business Systems Analyst - Salesforce CRM", "Business Systems Analyst - Salesforce, CRM"),
    ("Customer Success Manager - German speaking", "Customer Success Manager (German Speaking)"),
    ("Sales Enablement Program/me Manager", "Sales Enablement Programme Manager"),
    ("Full-Stack Developer (.NET/C# + React/Vue)", "Fullstack Developer (.NET / C# + React / Vue)"),
    ("Manager, Product Marketing", "Product Marketing Manager"),
    ("Sr. Sales Executive  (4418)", "Sales Executive (4502)"),
    ("Analytics Engineer II", "Analytics Engineer"),
    ("Android Engineer I - Subscriptions", "Android Engineer II - Subscriptions"),
    ("Associate Technical Services Engineer II", "Technical Services Engineer"),
    ("Software Engineer L3", "Software Engineer, Level 4"),
    ("Platform Engineer (JR-1029)", "Platform Engineer REQ-2291"),
    ("Site Reliability Engineer #1234", "Senior Site Reliability Engineer"),
    ("Werkstudent Marketing (w/m/d)", "Werkstudent Marketing 100%"),
    ("Data Engineer 2024-118", "Data Engineer"),
    ("Technical Account Manager - EMEA", "Technical Account Manager"),
    ("Solutions Architect - Seattle, WA", "Solutions Architect"),
    ("Lead Data Scientist", "Data Scientist"),
    ("Head of EMEA Marketing", "Head of EMEA Marketing - Hybrid"),
    ("Ad Operations & Tracking Manager", "Ad Operations and Tracking Manager"),
    ("Senior Software Engineer (C++)", "Software Engineer (C++) - Remote"),
    ("Staff Data Scientist, Guest & Host", "Senior Data Scientist - Guest and Host"),
    ("Enterprise Account Executive, Growth (Southeast)", "Enterprise Account Executive, Growth"),
    ("(Senior) Data Engineer - Freelance", "Data Engineer - Freelance"),
    ("Senior Pre-Sales Solutions Architect", "Pre-sales Solutions Architect"),
    ("Presales Solutions Architect", "Pre-Sales Solutions Architect"),
    ("High Tech Account Executive Acquisition", "High Tech Account Executive, Acquisition"),
    ("Sr. / Advisory Business Value Consultant", "Senior / Advisory Business Value Consultant"),
    ("Remote - Senior Data Analyst", "Data Analyst [Hybrid]"),
]

DIFFERENT_ROLE: list[tuple[str, str]] = [
    ("Data Analyst", "Data Engineer"),
    ("Product Manager", "Product Marketing Manager"),
    ("Software Engineer", "Software Engineering Manager"),
    ("Account Executive", "Account Manager"),
    ("Marketing Intern", "Marketing Director"),
    ("Frontend Engineer", "Backend Engineer"),
    ("Sales Development Representative", "Sales Engineer"),
    ("Engineer", "Staff Software Engineer, Payments"),
    ("Head of Marketing", "Marketing Manager"),
    ("Senior Software Engineer, Cloud Backup", "Senior Software Engineer, Cloud Billing"),
    ("Customer Success Manager", "Customer Success Engineer"),
    ("Solutions Architect", "Solutions Engineer"),
    ("Data Scientist", "Data Engineer"),
    ("Product Designer", "Product Manager"),
    ("Technical Program Manager", "Technical Product Manager"),
    ("Sales Development Representative", "Account Development Representative"),
    ("Software Engineer - Intern - 2024 (Dublin)", "Software Engineer"),
    ("Director, Sales Operations", "Manager, Sales Operations"),
    ("Chief of Staff, Sales", "Sales Manager"),
    ("Business Analyst", "Business Systems Analyst - Salesforce CRM"),
    ("Security Engineer", "Security Engineering Manager"),
    ("Sales Enablement Manager", "Sales Engineer"),
    ("Technical Services Engineer", "Technical Services Manager"),
    ("Engineering Manager, Storage Foundation", "Staff Software Engineer, Distributed Storage"),
    ("Senior Software Engineer, China Search", "Software Engineer, China Foundation"),
    ("Machine Learning Engineer", "Machine Learning Researcher"),
    ("Recruiter", "Recruiting Coordinator"),
    ("Safety Specialist, South Korea", "Safety Supervisor, South Korea"),
    ("Android Engineer", "iOS Engineer"),
    ("Account Executive, Public Sector", "Account Executive, Retail & E-Commerce"),
    ("Senior Software Engineer (Java)", "Senior Software Engineer (C++)"),
    ("Marketing Operations Lead", "Marketing Operations Manager"),
    ("Enterprise Account Executive, Growth", "Enterprise Account Executive, Acquisition"),
    ("Level Designer", "Designer"),
]

TABLE = [(a, b, True) for a, b in SAME_ROLE] + [(a, b, False) for a, b in DIFFERENT_ROLE]


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 40


@pytest.mark.parametrize(("a", "b", "same"), TABLE, ids=[f"{a} | {b}" for a, b, _ in TABLE])
def test_pair_matches_at_default_threshold(a: str, b: str, same: bool) -> None:
    score = similarity(a, b)
    assert (score >= DEFAULT_THRESHOLD) is same, (
        f"{score:.1f} ({normalise_role(a)!r} / {normalise_role(b)!r})"
    )
    assert similarity(b, a) == pytest.approx(score)


def test_threshold_separates_the_table_with_a_margin() -> None:
    lowest_same = min((similarity(a, b), a, b) for a, b in SAME_ROLE)
    highest_different = max((similarity(a, b), a, b) for a, b in DIFFERENT_ROLE)
    report = f"lowest same-role {lowest_same}, highest different-role {highest_different}"
    assert lowest_same[0] > highest_different[0], report
    assert highest_different[0] < DEFAULT_THRESHOLD <= lowest_same[0], report


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Senior Data Engineer", "data engineer"),
        ("Sr. Data Engineer", "data engineer"),
        ("Junior Data Engineer", "data engineer"),
        ("Principal Data Engineer", "data engineer"),
        ("Senior Staff Engineer", "engineer"),
        ("Lead, Developer Relations", "developer relations"),
        ("Chief of Staff", "chief of staff"),
        ("Program and Business Operations Lead", "program and business operations lead"),
        ("Associate Product Manager", "product manager"),
        ("Business Operations & Strategy Associate", "business operations and strategy associate"),
        ("Head of Marketing", "head of marketing"),
        ("Software Engineer III", "software engineer"),
        ("Support Engineer IV", "support engineer"),
        ("Software Engineer L3", "software engineer"),
        ("Level 2 Support Engineer", "support engineer"),
        ("Level Designer", "level designer"),
        ("Data Engineer R12345", "data engineer"),
        ("Data Engineer REQ-2291", "data engineer"),
        ("Data Engineer #1234", "data engineer"),
        ("Data Engineer (JR-1029)", "data engineer"),
        ("Data Engineer 2024-118", "data engineer"),
        ("Sr. Sales Executive  (4418)", "sales executive"),
        ("Produktmanager (m/w/d)", "produktmanager"),
        ("Product Designer (f/m/x)", "product designer"),
        ("Marketing Manager (all genders)", "marketing manager"),
        ("Werkstudent Marketing 100%", "werkstudent marketing"),
        ("Data Analyst (Remote)", "data analyst"),
        ("Data Analyst - Remote", "data analyst"),
        ("Data Analyst - Remote US", "data analyst"),
        ("Data Analyst - Remote - US", "data analyst"),
        ("Data Analyst, Hybrid", "data analyst"),
        ("Data Analyst – EMEA", "data analyst"),
        ("Data Analyst | APAC", "data analyst"),
        ("Data Analyst - Seattle, WA", "data analyst"),
        ("Senior Backend Engineer (Remote, Switzerland)", "backend engineer"),
        ("Remote - Data Analyst", "data analyst"),
        ("Account Executive - Seattle", "account executive seattle"),
        ("Account Executive, Mid-Market", "account executive mid market"),
        ("Business Systems Analyst - Salesforce, CRM", "business systems analyst salesforce crm"),
        ("Sr. Backend Engineer (Python)", "backend engineer python"),
        ("R&D Engineer", "r and d engineer"),
        ("Software Engineer (C++)", "software engineer cpp"),
        ("Software Engineer (C#)", "software engineer csharp"),
        ("Developer\u200b (.NET)", "developer dotnet"),
        ("  SENIOR   data-ENGINEER ", "data engineer"),
        ("Senior", ""),
        ("", ""),
    ],
)
def test_normalise_role(title: str, key: str) -> None:
    assert normalise_role(title) == key


def test_languages_survive_punctuation_stripping() -> None:
    assert similarity("Software Engineer (C++)", "Software Engineer (C#)") < DEFAULT_THRESHOLD


def test_empty_titles_score_zero() -> None:
    assert similarity("", "Data Engineer") == 0.0
    assert similarity("Senior", "Senior") == 0.0


def test_best_match_picks_the_most_similar_role() -> None:
    roles = ["Data Engineer", "Data Analyst", "Senior Data Analyst, Personalization"]
    assert best_match("Data Analyst - Remote US", roles) == (1, 100.0)


def test_best_match_returns_none_below_threshold() -> None:
    assert best_match("Data Scientist", ["Data Engineer", "Data Analyst"]) is None
    assert best_match("Data Analyst", []) is None


def test_best_match_honours_a_custom_threshold() -> None:
    roles = ["Product Marketing Manager"]
    assert best_match("Product Manager", roles) is None
    match = best_match("Product Manager", roles, threshold=75)
    assert match is not None
    assert match[0] == 0
    assert match[1] == pytest.approx(80.0)


def test_best_match_ties_go_to_the_first_role() -> None:
    assert best_match("Backend Engineer", ["Sr. Backend Engineer", "Backend Engineer II"]) == (
        0,
        100.0,
    )


def test_best_match_prefers_exact_over_fuzzy() -> None:
    roles = ["Program and Business Operations Lead", "Programs and Business Operations Lead"]
    assert best_match("Programs and Business Operations Lead", roles) == (1, 100.0)
