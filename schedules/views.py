from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_celery_beat.models import PeriodicTask

from administration.selectors import config_change_list, config_change_rows
from schedules.forms import PeriodicTaskForm
from schedules.selectors import (
    crontab_in_words,
    crontab_spec,
    periodic_task_defaults_missing,
    periodic_task_list,
)
from schedules.services import periodic_task_update

VIEW = "django_celery_beat.view_periodictask"
CHANGE = "django_celery_beat.change_periodictask"


def _get_periodic_task(task_id: int) -> PeriodicTask:
    return get_object_or_404(PeriodicTask.objects.select_related("crontab"), pk=task_id)


def _saved_message(task_id: int) -> str:
    task = _get_periodic_task(task_id)
    if not task.enabled:
        return f"Saved. {task.name} is off: the scheduler does not send it until it is turned back on."
    words = crontab_in_words(task.crontab)
    return f"Saved. {task.name} now runs: {words[0].lower()}{words[1:]}."


@login_required
@permission_required(VIEW, raise_exception=True)
def periodic_task_list_page(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": periodic_task_list(),
        "missing": periodic_task_defaults_missing(),
        "time_zone": settings.CELERY_TIMEZONE,
    }
    return render(request, "schedules/periodic_task_list.html", context)


@login_required
@permission_required((VIEW, CHANGE), raise_exception=True)
def periodic_task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = _get_periodic_task(task_id)
    initial = (crontab_spec(task.crontab) if task.crontab else {}) | {"enabled": task.enabled}
    form = PeriodicTaskForm(request.POST if request.method == "POST" else None, initial=initial)
    if task.crontab is not None and request.method == "POST" and form.is_valid():
        try:
            change = periodic_task_update(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _saved_message(task.pk) if change else "Nothing changed.")
            return redirect("schedules:periodic_task_list")
    task_type = ContentType.objects.get_for_model(PeriodicTask)
    history = config_change_rows(config_change_list(content_type=task_type, object_id=task.pk)[:10])
    context = {"task": task, "form": form, "history": history, "time_zone": settings.CELERY_TIMEZONE}
    return render(request, "schedules/periodic_task_edit.html", context, status=400 if form.errors else 200)
