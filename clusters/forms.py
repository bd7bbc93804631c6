from django import forms

from clusters.models import Cluster


class ClusterRenameForm(forms.Form):
    name = forms.CharField(
        max_length=200, required=False, help_text="Leave empty to go back to the automatic label."
    )


class ClusterMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        queryset=Cluster.objects.none(),
        label="Merge into",
        help_text="Its complaints join the chosen cluster.",
    )

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Cluster.objects.filter(status=Cluster.Status.ACTIVE, hospital_id=cluster.hospital_id)
            .exclude(pk=cluster.pk)
            .order_by("-size")
        )


class ClusterSplitForm(forms.Form):
    """Mentions of the cluster to split off into a new cluster with a name."""

    mentions = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[],
        error_messages={
            "required": "Tick the complaints to split off.",
            "invalid_choice": "%(value)s is not a complaint of this cluster.",
        },
    )
    name = forms.CharField(
        max_length=200,
        label="New cluster's name",
        error_messages={"required": "Give the new cluster a name, e.g. “Night-shift ER waits”."},
    )

    def __init__(self, *args, mention_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentions"].choices = [(pk, pk) for pk in mention_ids]
