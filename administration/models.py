from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class ConfigChange(models.Model):
    """One change to what is tracked or how: a term, a hospital, a source, a template, a user's roles.
    Written by the services that make the change; never edited from the app."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, help_text="What the object was called at the time.")
    changes = models.JSONField(
        default=dict, help_text="Field name to [before, after]. Secrets appear only as '(changed)'."
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="configchange_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
