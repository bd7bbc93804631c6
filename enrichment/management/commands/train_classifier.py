"""Train a complaint model version and activate it unless it scores worse than the active one."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from enrichment.classifier import LabelledExample, train_model_version
from enrichment.classifier.training import DATA_FILE


class Command(BaseCommand):
    help = (
        "Train a model version from enrichment/data/labelled_posts.jsonl (plus --extra files), write it "
        "under ENRICHMENT_MODEL_DIR and activate it if its held-out score is not worse than the active one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--embeddings", action="store_true", help="also train sentence-embedding heads (~1 min)"
        )
        parser.add_argument("--force", action="store_true", help="activate even if it scores worse")
        parser.add_argument("--data", type=Path, default=DATA_FILE, help="labelled JSONL file")
        parser.add_argument(
            "--extra",
            type=Path,
            action="append",
            default=[],
            help="more labelled JSONL (same fields; split optional), e.g. exported staff corrections",
        )
        parser.add_argument(
            "--no-corrections",
            action="store_true",
            help="leave out the corrections staff made in the app (included by default)",
        )

    def handle(self, *args, **options):
        extra = [example for path in options["extra"] for example in _read_examples(path)]
        if not options["no_corrections"]:
            extra += self._corrections()
        try:
            result = train_model_version(
                extra_examples=extra,
                embeddings=options["embeddings"],
                force=options["force"],
                data_path=options["data"],
                progress=self.stdout.write,
            )
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        for message in result.messages:
            self.stdout.write(message)
        held_out = result.metrics["held_out"]
        self.stdout.write(
            f"version {result.version}: held-out complaint F1 {held_out['complaint']['f1']:.3f}, "
            f"category macro-F1 {held_out['category']['macro_f1']:.3f}, "
            f"critical recall {held_out['critical_recall']:.3f}, score {result.metrics['score']:.4f} "
            f"({held_out['split_size']} held-out examples)"
        )
        if result.activated:
            self.stdout.write(self.style.SUCCESS(f"active version is now {result.version}"))
        else:
            self.stdout.write(self.style.WARNING(f"kept {result.previous_version} active"))


    def _corrections(self) -> list[LabelledExample]:
        from enrichment.services import correction_examples

        try:
            corrections = correction_examples()
        except DatabaseError as error:
            self.stderr.write(f"database unavailable ({error}); training without staff corrections")
            return []
        self.stdout.write(f"including {len(corrections)} staff corrections")
        return corrections


def _read_examples(path: Path) -> list[LabelledExample]:
    examples = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error}") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            examples.append(
                LabelledExample(
                    id=str(row["id"]),
                    text=row["text"],
                    is_complaint=bool(row["is_complaint"]),
                    category=row.get("category"),
                    severity=row.get("severity"),
                    style=row.get("style", "other"),
                    split=row.get("split"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise CommandError(f"{path}:{number}: {error}") from error
    return examples
