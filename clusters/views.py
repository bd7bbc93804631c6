from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from clusters.forms import ClusterMergeForm, ClusterRenameForm, ClusterSplitForm
from clusters.models import Cluster
from clusters.selectors import cluster_crowd, cluster_detail, cluster_list, cluster_split_choices
from clusters.services import cluster_merge, cluster_rename, cluster_split
from dashboards import charts
from mentions.selectors import mention_filterset

# A cluster page is made of mentions, so it needs both.
VIEW_CLUSTERS = ("mentions.view_mention", "clusters.view_cluster")


@login_required
@permission_required(VIEW_CLUSTERS, raise_exception=True)
def cluster_overview(request: HttpRequest) -> HttpResponse:
    filterset = mention_filterset(data=request.GET, default_period=True)
    rows = []
    if filterset.is_valid():
        start, end = filterset.period()
        cleaned = filterset.form.cleaned_data
        rows = cluster_list(
            since=start,
            until=end,
            hospital=cleaned.get("hospital"),
            category=cleaned.get("category") or None,
            source_platform=cleaned.get("platform") or None,
        )
    return render(request, "clusters/cluster_list.html", {"filterset": filterset, "rows": rows})


def _get_cluster(cluster_id: int) -> Cluster:
    return get_object_or_404(Cluster.objects.select_related("hospital", "merged_into"), pk=cluster_id)


@login_required
@permission_required(VIEW_CLUSTERS, raise_exception=True)
def cluster_page(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = _get_cluster(cluster_id)
    if cluster.status == Cluster.Status.MERGED and cluster.merged_into_id:
        messages.info(request, f"“{cluster.title}” was merged into this cluster.")
        return redirect("clusters:cluster_page", cluster_id=cluster.merged_into_id)
    detail = cluster_detail(cluster)
    mentions_url = reverse("mentions:mention_list") + f"?cluster={cluster.pk}&match=matched"
    context = {
        "detail": detail,
        "crowd": cluster_crowd(cluster),
        "mentions_url": mentions_url,
        "volume_chart": charts.cluster_volume_chart(detail.volume_by_week, title=cluster.title),
        "rename_form": ClusterRenameForm(initial={"name": cluster.name}),
        "merge_form": ClusterMergeForm(cluster=cluster),
    }
    if request.user.has_perm("clusters.change_cluster"):
        context["split_choices"] = cluster_split_choices(cluster)
    return render(request, "clusters/cluster_detail.html", context)


@require_POST
@login_required
@permission_required("clusters.change_cluster", raise_exception=True)
def cluster_rename_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = _get_cluster(cluster_id)
    form = ClusterRenameForm(request.POST)
    if form.is_valid():
        cluster_rename(cluster=cluster, name=form.cleaned_data["name"], user=request.user)
        messages.success(request, "Renamed. The name stays when the clusters are recomputed.")
    else:
        messages.error(request, "The name is too long: keep it under 200 characters.")
    return redirect("clusters:cluster_page", cluster_id=cluster.pk)


@require_POST
@login_required
@permission_required("clusters.change_cluster", raise_exception=True)
def cluster_merge_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = _get_cluster(cluster_id)
    form = ClusterMergeForm(request.POST, cluster=cluster)
    if not form.is_valid():
        messages.error(request, "Choose an active cluster of the same hospital to merge into.")
        return redirect("clusters:cluster_page", cluster_id=cluster.pk)
    try:
        into = cluster_merge(cluster=cluster, into=form.cleaned_data["into"], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clusters:cluster_page", cluster_id=cluster.pk)
    messages.success(request, "Merged. The clusters stay merged when they are recomputed.")
    return redirect("clusters:cluster_page", cluster_id=into.pk)


@require_POST
@login_required
@permission_required("clusters.change_cluster", raise_exception=True)
def cluster_split_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    cluster = _get_cluster(cluster_id)
    form = ClusterSplitForm(
        request.POST, mention_ids=[mention.pk for mention in cluster_split_choices(cluster)]
    )
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect("clusters:cluster_page", cluster_id=cluster.pk)
    try:
        new = cluster_split(
            cluster=cluster,
            mention_ids=form.cleaned_data["mentions"],
            user=request.user,
            name=form.cleaned_data["name"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("clusters:cluster_page", cluster_id=cluster.pk)
    messages.success(
        request, "Split off into this new cluster. Its complaints stay here when the clusters are recomputed."
    )
    return redirect("clusters:cluster_page", cluster_id=new.pk)
