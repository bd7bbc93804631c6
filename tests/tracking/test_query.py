"""The query language: parsing, errors that point at the wrong part, matching and platform translations."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracking.query import (
    And,
    Not,
    Or,
    Phrase,
    Query,
    QuerySyntaxError,
    bluesky_searches,
    parse,
    term_query,
    to_bluesky,
    to_reddit,
    to_web,
    to_x,
    translate,
)

MERCY = '"Mercy" AND (hospital OR ER OR clinic) NOT "have mercy"'


def p(text: str) -> Phrase:
    return Phrase(text)


# Parsing


def test_not_binds_tighter_than_and_which_binds_tighter_than_or():
    assert parse("a OR b AND NOT c").root == Or((p("a"), And((p("b"), Not(p("c"))))))
    assert parse("(a OR b) c").root == And((Or((p("a"), p("b"))), p("c")))


def test_adjacent_terms_mean_and_and_a_leading_dash_means_not():
    assert parse('Mercy -"have mercy"') == parse('Mercy AND NOT "have mercy"')
    assert parse("Mercy -(lord OR god)").root == And((p("Mercy"), Not(Or((p("lord"), p("god"))))))


def test_phrases_collapse_whitespace_and_accept_curly_quotes():
    assert parse('"St.   Mary\'s"').root == p("St. Mary's")
    assert parse("“St. Mary’s”").root == p("St. Mary’s")


def test_a_bare_name_with_punctuation_is_one_word_per_space():
    assert parse("St. Brigid's").root == And((p("St."), p("Brigid's")))
    assert parse("#RiversideCares").root == p("#RiversideCares")


def test_term_query_is_the_name_as_a_phrase_when_the_query_is_blank():
    assert term_query("St. Mary's", "  ") == Query(p("St. Mary's"))
    assert term_query("Mercy", MERCY) == parse(MERCY)


@pytest.mark.parametrize(
    ("text", "message", "position", "length"),
    [
        ('Mercy AND "have mercy', "Unclosed quote", 10, 11),
        ("Mercy OR", "Nothing after OR", 6, 2),
        ("Mercy OR )", "Nothing after OR", 6, 2),
        ("OR Mercy", "OR needs a phrase before it", 0, 2),
        ("(AND x)", "AND needs a phrase before it", 1, 3),
        ("Mercy AND OR ER", "Expected a phrase after AND, not OR", 10, 2),
        ("Mercy NOT", "Nothing after NOT", 6, 3),
        ("Mercy (ER OR clinic", "Unclosed parenthesis", 6, 1),
        ("Mercy ER)", "Closing parenthesis without an opening one", 8, 1),
        ("Mercy ()", "Empty parentheses", 6, 2),
        ('Mercy ""', "Empty quotes", 6, 2),
        ('NOT "have mercy"', "needs at least one phrase to look for", 0, 16),
        ('-"have mercy" -"no mercy"', "needs at least one phrase to look for", 0, 25),
        ("Mercy OR -lord", "Each side of OR needs at least one phrase", 9, 5),
        ("Mercy (-a -b)", "This part needs at least one phrase", 7, 5),
        ("Mercy or clinic", "Write the operator in capitals (OR)", 6, 2),
        ("Mercy:ER", "The character ':' cannot be searched outside quotes", 5, 1),
        ("Mercy - lord", "Put what to leave out right after the -", 6, 1),
        ("   ", "The query is empty", 0, 3),
        ("a " * 501, "longer than 1000 characters", 1000, 2),
        ("(" * 25 + "x" + ")" * 25, "Too deeply nested", 20, 1),
    ],
)
def test_every_error_says_what_is_wrong_and_where(text, message, position, length):
    with pytest.raises(QuerySyntaxError) as raised:
        parse(text)
    error = raised.value
    assert message in error.message
    assert (error.position, error.length) == (position, length)
    assert str(error) == f"{error.message} at character {position + 1}"


def test_pointer_puts_a_caret_line_under_the_wrong_part():
    with pytest.raises(QuerySyntaxError) as raised:
        parse('"Mercy" AND (hospital OR')
    assert raised.value.pointer() == '"Mercy" AND (hospital OR\n                      ^^'


def test_the_canonical_form_reads_back_as_the_same_query():
    query = parse("mercy  (hospital OR ER)   -“have mercy” -(lord AND god)")
    assert str(query) == '"mercy" AND ("hospital" OR "ER") NOT "have mercy" NOT ("lord" AND "god")'
    assert parse(str(query)) == query


# Matching


def test_exclusions_rule_out_the_idiom_but_not_the_hospital():
    mercy = parse('"Mercy" NOT ("have mercy" OR "lord have")')
    assert mercy.matches("The ER at Mercy was packed tonight")
    assert not mercy.matches("Lord have mercy, the ER at Mercy was packed")
    assert not mercy.matches("Mercyful Fate tickets")  # Whole words only.


def test_co_terms_are_required_and_any_whitespace_separates_words():
    query = parse(MERCY)
    assert query.matches("Waited 4 hours in the\nER at MERCY")
    assert not query.matches("Mercy me, what a week")
    assert not query.matches("have mercy, the Mercy clinic lost my file")
    assert parse('"Mercy Valley Hospital"').matches("mercy   valley\thospital billed me twice")


def test_curly_and_straight_apostrophes_match_each_other():
    assert parse('"St. Mary\'s"').matches("Great nurses at St. Mary’s")
    assert parse("“St. Mary’s”").matches("Great nurses at St. Mary's")


def test_mayo_clinic_is_told_from_mayonnaise_and_sandwiches():
    mayo = parse('"Mayo Clinic" OR (Mayo AND (clinic OR hospital OR doctor) NOT (mayonnaise OR sandwich))')
    assert mayo.matches("Finally got my appointment at Mayo Clinic")
    assert mayo.matches("my Mayo doctor said it's fine")
    assert not mayo.matches("Mayo on a sandwich from the hospital cafeteria")
    assert not mayo.matches("no mayonnaise please")


def test_positive_phrases_and_the_query_without_its_negations():
    query = parse(MERCY)
    assert query.positive_phrases() == ["Mercy", "hospital", "ER", "clinic"]
    assert query.without_negations() == parse('"Mercy" AND (hospital OR ER OR clinic)')
    assert parse('"Mercy" NOT "have mercy"').without_negations() == parse('"Mercy"')


# Translations


def test_x_gets_its_operators():
    assert to_x(parse(MERCY)) == 'Mercy (hospital OR ER OR clinic) -"have mercy"'
    assert to_x(parse('"Mercy" NOT ("have mercy" OR "lord have")')) == 'Mercy -("have mercy" OR "lord have")'
    assert to_x(parse('"St. Mary\'s" OR #StMarys')) == '"St. Mary\'s" OR #StMarys'
    assert to_x(parse("Mercy NOT NOT hospital")) == "Mercy hospital"


def test_reddit_gets_lucene_with_every_phrase_quoted():
    assert to_reddit(parse(MERCY)) == '"Mercy" AND ("hospital" OR "ER" OR "clinic") NOT "have mercy"'
    assert to_reddit(parse('NOT "have mercy" Mercy')) == '"Mercy" NOT "have mercy"'
    assert to_reddit(parse("a OR b c")) == '"a" OR ("b" AND "c")'


def test_web_gets_quoted_phrases_and_drops_what_it_cannot_negate():
    assert to_web(parse(MERCY)) == '"Mercy" ("hospital" OR "ER" OR "clinic") -"have mercy"'
    assert to_web(parse('"Mercy" NOT ("have mercy" OR "lord have")')) == '"Mercy" -"have mercy" -"lord have"'
    # NOT (lord AND have) would be -"lord" OR -"have": no engine takes it, the matcher applies it.
    assert to_web(parse('"Mercy" NOT (lord AND have)')) == '"Mercy"'


def test_bluesky_gets_one_search_per_side_of_or_and_no_negation():
    assert bluesky_searches(parse(MERCY)) == ["Mercy"]
    assert bluesky_searches(parse('"St. Mary\'s" hospital OR SMH')) == ['"St. Mary\'s" hospital', "SMH"]
    assert bluesky_searches(parse("(a OR b) (c OR d OR e)")) == ["a", "b"]
    assert to_bluesky(parse('RGH OR rgh OR "Riverside ER"')) == 'RGH\n"Riverside ER"'


def test_translate_picks_the_platform():
    query = parse(MERCY)
    assert translate(query, "x") == to_x(query)
    assert translate(query, "reddit") == to_reddit(query)
    assert translate(query, "web") == to_web(query)


# Properties

QUERY_ALPHABET = st.sampled_from(list("abcAB \"“”()-:’'.#") + ["AND", "OR", "NOT", " OR ", " AND ", " NOT "])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(QUERY_ALPHABET, max_size=30).map("".join)))
def test_any_text_parses_or_fails_with_a_position_inside_it(text):
    try:
        query = parse(text)
    except QuerySyntaxError as error:
        assert 0 <= error.position <= len(text)
        assert error.length >= 1
        error.pointer()
    else:
        assert parse(str(query), max_length=None) == query


WORDS = st.sampled_from(["Mercy", "ER", "St. Mary's", "have mercy", "Mayo Clinic", "#RGH", "AND", "héroes"])


def _queries(leaves):
    def extend(children):
        groups = st.lists(children, min_size=2, max_size=3).map(tuple)
        return st.one_of(
            groups.map(And), groups.map(Or), children.map(lambda child: And((child, Not(child))))
        )

    return st.recursive(leaves.map(Phrase), extend, max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(_queries(WORDS))
def test_generated_queries_read_back_from_their_canonical_form(root):
    query = Query(root)
    assert parse(str(query), max_length=None) == query
    for translation in (to_x, to_reddit, to_web, to_bluesky):
        assert translation(query)
