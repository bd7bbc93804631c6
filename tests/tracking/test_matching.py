from tracking.matching import TermMatcher, TermSpec

RIVERSIDE, MERCY = 1, 2
TERMS = [
    TermSpec(id=10, hospital_id=RIVERSIDE, text="Riverside General"),
    TermSpec(id=11, hospital_id=RIVERSIDE, text="RGH"),
    TermSpec(id=20, hospital_id=MERCY, text="Mercy Valley Hospital"),
    TermSpec(id=21, hospital_id=MERCY, text="Mercy", query='"Mercy" NOT ("have mercy" OR "no mercy")'),
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


def test_it_needs_the_co_terms_of_a_query():
    matcher = TermMatcher(
        [
            TermSpec(id=30, hospital_id=MERCY, text="Mercy", query='"Mercy" AND (hospital OR ER OR clinic)'),
            TermSpec(id=31, hospital_id=RIVERSIDE, text="RGH"),
        ]
    )
    assert matcher.match("Mercy ER had us waiting 5 hours").term_ids == (30,)
    assert matcher.match("Mercy, what a week").status == "unmatched"
    # The co-term "ER" comes first, but the hospital first named is Riverside.
    result = matcher.match("ER at RGH was fine, unlike the Mercy hospital")
    assert result.hospital_id == RIVERSIDE
    assert result.term_ids == (31, 30)


def test_excluded_means_only_the_exclusion_kept_the_post_out():
    matcher = TermMatcher(
        [
            TermSpec(
                id=30, hospital_id=MERCY, text="Mercy", query='"Mercy" AND (hospital OR ER) NOT "have mercy"'
            )
        ]
    )
    assert matcher.match("Lord have mercy, the ER at Mercy was packed").status == "excluded"
    assert matcher.match("Lord have mercy, what a day").status == "unmatched"  # No co-term: never matched.
    assert matcher.match("The ER at Mercy was packed").status == "matched"


def test_it_matches_curly_and_straight_apostrophes_alike():
    matcher = TermMatcher([TermSpec(id=40, hospital_id=RIVERSIDE, text="St. Mary's")])
    assert matcher.match("Great nurses at St. Mary’s tonight").term_ids == (40,)


def test_a_term_whose_stored_query_cannot_be_read_is_skipped_with_a_warning(caplog):
    matcher = TermMatcher(
        [
            TermSpec(id=50, hospital_id=MERCY, text="Mercy", query='"Mercy" AND ('),
            TermSpec(id=51, hospital_id=RIVERSIDE, text="RGH"),
        ]
    )
    assert matcher.match("Mercy and RGH").term_ids == (51,)
    assert "skipping tracked term 50" in caplog.text


def test_terms_sharing_a_phrase_are_all_candidates():
    matcher = TermMatcher(
        [
            TermSpec(id=60, hospital_id=MERCY, text="Mercy", query='"Mercy" AND hospital'),
            TermSpec(id=61, hospital_id=RIVERSIDE, text="Mercy wing", query='"Mercy" AND wing'),
        ]
    )
    assert matcher.match("the Mercy wing at Riverside").term_ids == (61,)
    assert matcher.match("Mercy hospital").term_ids == (60,)


def test_a_term_limited_to_a_language_skips_posts_the_platform_reports_in_another():
    matcher = TermMatcher(
        [
            TermSpec(id=1, hospital_id=10, text="Hospital del Mar", language="es"),
            TermSpec(id=2, hospital_id=20, text="Mercy"),
        ]
    )
    text = "Hospital del Mar and Mercy were both full tonight"
    assert matcher.match(text, language="es").term_ids == (1, 2)
    assert matcher.match(text, language="es-MX").term_ids == (1, 2)
    assert matcher.match(text, language="en").term_ids == (2,)
    # An unknown language never rules a term out.
    assert matcher.match(text).term_ids == (1, 2)
