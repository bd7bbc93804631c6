from tracking.matching import TermMatcher, TermSpec

RIVERSIDE, MERCY = 1, 2
TERMS = [
    TermSpec(id=10, hospital_id=RIVERSIDE, text="Riverside General"),
    TermSpec(id=11, hospital_id=RIVERSIDE, text="RGH"),
    TermSpec(id=20, hospital_id=MERCY, text="Mercy Valley Hospital"),
    TermSpec(id=21, hospital_id=MERCY, text="Mercy", exclusions=("have mercy", "no mercy")),
    TermSpec(id=22, hospital_id=MERCY, text="St. Brigid's"),
]


def match(text: str):
    return TermMatcher(TERMS).match(text)


def test_it_matches_whole_words_ignoring_case():
    result = match("waited forever at riverside general last night")
    assert result.status == "matched"
    assert result.hospital_id == RIVERSIDE
    assert result.term_ids == (10,)


def test_it_does_not_match_inside_other_words():
    assert match("the RGHX protocol").status == "unmatched"
    assert match("Mercyful Fate concert").status == "unmatched"


def test_it_prefers_the_longest_term_at_a_position():
    assert match("Mercy Valley Hospital billed me twice").term_ids == (20,)


def test_it_honours_exclusions():
    result = match("Lord have mercy, this exam was brutal")
    assert result.status == "excluded"
    assert result.hospital_id is None
    assert result.term_ids == (21,)


def test_an_exclusion_only_rules_out_its_own_term():
    result = match("have mercy, Riverside General kept us 6 hours")
    assert result.status == "matched"
    assert result.term_ids == (10,)


def test_it_matches_punctuated_names_with_any_spacing():
    assert match("Went to St.  Brigid's instead").term_ids == (22,)


def test_the_first_mentioned_hospital_is_the_primary_one():
    result = match("Mercy was quick, unlike RGH")
    assert result.hospital_id == MERCY
    assert set(result.term_ids) == {21, 11}


def test_it_reports_unmatched_for_empty_text_or_no_terms():
    assert match("").status == "unmatched"
    assert TermMatcher([]).match("Riverside General").status == "unmatched"
