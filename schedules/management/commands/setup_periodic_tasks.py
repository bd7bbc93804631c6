from django.core.management.base import BaseCommand

from schedules.services import periodic_tasks_install_defaults


class Command(BaseCommand):
    help = (
        "Install the default periodic tasks the database lacks (settings.PERIODIC_TASK_DEFAULTS). "
        "Tasks already there, and any change an administrator made to them, are left as they are."
    )

    def handle(self, *args, **options):
        created = periodic_tasks_install_defaults()
        if created:
            self.stdout.write(f"Installed {len(created)} periodic task(s): {', '.join(created)}.")
        else:
            self.stdout.write("Every default periodic task is installed.")
