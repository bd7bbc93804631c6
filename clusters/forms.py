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
