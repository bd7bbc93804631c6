from django.db import migrations


def _phrase(text: str) -> str:
    return '"' + " ".join(text.replace('"', " ").split()) + '"'


def fold_exclusions(apps, schema_editor):
    """Write each term's name and exclusion lines as one query: "Mercy" NOT ("have mercy" OR "lord")."""
    TrackedTerm = apps.get_model("tracking", "TrackedTerm")
    for term in TrackedTerm.objects.filter(query=""):
        excluded = [_phrase(line) for line in term.exclusions.splitlines() if line.strip()]
        query = _phrase(term.text)
        if excluded:
            query += " NOT " + (excluded[0] if len(excluded) == 1 else "(" + " OR ".join(excluded) + ")")
        term.query = query
        term.save(update_fields=["query"])


class Migration(migrations.Migration):
    dependencies = [("tracking", "0003_organization_structure_and_queries")]

    operations = [migrations.RunPython(fold_exclusions, migrations.RunPython.noop)]
