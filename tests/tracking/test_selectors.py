"""What the tracking selectors hand the pipeline: the matcher over stored terms."""

import pytest

from tests.factories import HospitalFactory, TrackedTermFactory
from tracking.selectors import term_matcher_build


@pytest.mark.django_db
def test_the_matcher_built_from_stored_terms_still_applies_each_terms_language():
    riverside = HospitalFactory(slug="riverside")
    ribera = TrackedTermFactory(hospital=riverside, text="Hospital Ribera", language="es", region="MX")
    general = TrackedTermFactory(hospital=riverside, text="Riverside General")
    # Saved before the editor checked codes: a regional tag still limits the term to its language.
    norte = TrackedTermFactory(hospital=riverside, text="Ribera Norte", language="es-MX")
    matcher = term_matcher_build()
    text = "Hospital Ribera, Ribera Norte and Riverside General were all full"
    assert set(matcher.match(text, language="es").term_ids) == {ribera.pk, norte.pk, general.pk}
    assert matcher.match(text, language="en").term_ids == (general.pk,)
    assert set(matcher.match(text).term_ids) == {ribera.pk, norte.pk, general.pk}
