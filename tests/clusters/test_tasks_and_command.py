from io import StringIO

import pytest
from django.core.management import call_command

from clusters import tasks
from clusters.models import Cluster, ClusterMember
from tests.clusters.conftest import PARKING, story

pytestmark = pytest.mark.django_db


def test_the_tasks_have_stable_names():
    assert tasks.clusters_assign_task.name == "clusters.clusters_assign"
    assert tasks.clusters_recluster_task.name == "clusters.clusters_recluster"
    assert tasks.clusters_detect_emerging_task.name == "clusters.clusters_detect_emerging"


def test_the_assign_task_places_the_complaints_it_is_given(complaint):
    mention = complaint(story(PARKING, 1))

    tasks.clusters_assign_task.apply(args=[[mention.pk]])

    assert ClusterMember.objects.filter(mention=mention).exists()


def test_the_recluster_and_emerging_tasks_delegate_to_their_services(complaint):
    mentions = [complaint(story(PARKING, n), days_ago=0.1 * n) for n in range(10)]

    tasks.clusters_recluster_task.apply()
    tasks.clusters_detect_emerging_task.apply()

    cluster = Cluster.objects.get()
    assert cluster.size == len(mentions) and cluster.is_emerging


def test_the_recluster_command_prints_the_top_clusters_with_crowd_figures(complaint):
    for n in range(4):
        complaint(story(PARKING, n), author_handle=f"author{n % 2}")
    out = StringIO()

    call_command("recluster", "--top", "5", stdout=out)

    output = out.getvalue()
    assert "parking" in output and "Riverside General Hospital" in output
    line = next(line for line in output.splitlines() if "parking" in line)
    assert line.split()[-3:] == ["2", "2", "0"]  # Authors, repeat complainers, replied.
