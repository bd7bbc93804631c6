import pytest

from enrichment.classifier.rules import critical_reasons, is_critical


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("They missed the sepsis and my dad died two days later", "harm"),
        ("The surgeon operated on the wrong leg", "harm"),
        ("She nearly died because nobody checked her", "harm"),
        ("My son is now in intensive care because of their mistake", "harm"),
        ("A nurse slapped my nan", "abuse"),
        ("I was sexually assaulted on the ward", "abuse"),
        ("He told them he was suicidal and they sent him home", "self_harm"),
        ("My daughter self-harmed in the waiting room", "self_harm"),
        ("They gave him an overdose of morphine", "self_harm"),
        ("We are speaking to a lawyer", "legal"),
        ("I'm going to sue", "legal"),
        ("We'll see them in court", "legal"),
        ("The police have been informed", "legal"),
        ("I've been in touch with a journalist", "media"),
        ("Going to the papers with this", "media"),
        ("Contacting the BBC tomorrow", "media"),
    ],
)
def test_critical_wording_is_recognised(text, reason):
    assert reason in critical_reasons(text)


@pytest.mark.parametrize(
    "text",
    [
        "I nearly died of boredom in that waiting room",
        "Dying for a coffee after a night on the ward",
        "The wait is killing me",
        "They kicked us out at 8pm sharp",
        "I hit my head and they didn't even x-ray it",
        "The sexual health clinic was rude",
        "Nurse Sue was lovely",
        "Food court shut at 3pm",
        "I'll be posting about this on social media",
        "Signed the papers and went home",
        "The car park is a death trap",
        "Worked on the drug abuse ward for years",
    ],
)
def test_hyperbole_and_look_alikes_are_not_critical(text):
    assert not is_critical(text)
