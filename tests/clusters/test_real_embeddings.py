"""One test with the real MiniLM model (~4 s to load), proving the production embedding path works."""

import pytest

from clusters.models import ClusterMember
from clusters.services import clusters_recluster
from clusters.services.embedding import mentions_embed as real_mentions_embed

pytestmark = pytest.mark.django_db

PARKING_POSTS = [
    "Riverside General raised the garage parking fee from $8 to $22 a day. Outrageous.",
    "$22 a day to park at Riverside General now?? The garage used to be $8.",
    "Visiting my mom at Riverside and the parking garage rate hike is killing us.",
    "New parking rates at the Riverside garage are insane, $22/day for families.",
    "Paid $22 to park in the Riverside General garage for a 40 minute appointment.",
    "The parking fee hike at Riverside hospital garage is a money grab.",
    "Riverside General parking garage now charges $22 daily. Who approved this?",
]
PORTAL_POSTS = [
    "The new patient portal keeps logging me out before I can see my test results.",
    "Can't log in to the patient portal since the switch, error code every time.",
    "My lab results are missing from the new patient portal. Nobody can help.",
    "Patient portal login is broken again, reset my password three times.",
    "The new portal lost my test results and the help line never answers.",
    "Patient portal says invalid login even after resetting the password.",
]


def test_the_real_model_groups_parking_and_portal_complaints_apart(complaint, monkeypatch):
    from clusters.services import embedding

    monkeypatch.setattr(embedding, "mentions_embed", real_mentions_embed)
    parking = [complaint(text) for text in PARKING_POSTS]
    portal = [complaint(text) for text in PORTAL_POSTS]

    clusters_recluster()

    parking_clusters = {ClusterMember.objects.get(mention=m).cluster for m in parking}
    portal_clusters = {ClusterMember.objects.get(mention=m).cluster for m in portal}
    assert len(parking_clusters) == 1 and len(portal_clusters) == 1
    assert parking_clusters != portal_clusters
    [cluster] = parking_clusters
    assert "parking" in cluster.label or "garage" in cluster.label
    member = ClusterMember.objects.get(mention=parking[0])
    assert member.embedding_vector().shape == (384,)
