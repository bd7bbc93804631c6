"""Print held-out figures for the active (or a named) model version, and optionally real-data figures."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enrichment.classifier import registry
from enrichment.classifier.demo_data import (
    DEMO_DATA_FILE,
    evaluate_demo_posts,
    format_demo_figures,
    read_demo_posts,
)
from enrichment.classifier.real_data import evaluate_real_data
from enrichment.classifier.training import DATA_FILE, evaluate_model, load_labelled_examples


class Command(BaseCommand):
    help = (
        "Evaluate a model version on the held-out split: per-class precision/recall/F1, macro-F1 and "
        "confusion matrices for complaint detection, category and severity, plus critical-severity recall. "
        "--real-data DIR also scores the real labelled posts in DIR beside plain VADER."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--model-version", help="model version (default: the active one)")
        parser.add_argument("--data", type=Path, default=DATA_FILE, help="labelled JSONL file")
        parser.add_argument("--real-data", type=Path, help="directory of real labelled JSONL files")
        parser.add_argument(
            "--demo-data",
            nargs="?",
            const=DEMO_DATA_FILE,
            type=Path,
            help="also check on the bundled demo posts (written apart from the training data)",
        )
        parser.add_argument("--no-embeddings", action="store_true", help="ignore the model's embedding heads")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args, **options):
        version = options["model_version"] or registry.active_version()
        if version is None:
            raise CommandError("no active model; run `manage.py train_classifier` first")
        try:
            model = registry.load_version(version)
        except registry.ModelUnavailable as error:
            raise CommandError(str(error)) from error
        use_embeddings = model.has_embeddings and not options["no_embeddings"]
        held_out = [example for example in load_labelled_examples(options["data"]) if example.split == "test"]
        figures = {
            "version": version,
            "embeddings": use_embeddings,
            "held_out": evaluate_model(model, held_out, use_embeddings=use_embeddings),
        }
        if options["real_data"]:
            if not options["real_data"].is_dir():
                raise CommandError(f"{options['real_data']} is not a directory")
            figures["real_data"] = evaluate_real_data(
                options["real_data"], model, use_embeddings=use_embeddings
            )
        if options["demo_data"]:
            figures["demo_data"] = evaluate_demo_posts(
                read_demo_posts(options["demo_data"]), model, use_embeddings=use_embeddings
            )

        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        self._print_held_out(figures)
        if "real_data" in figures:
            self._print_real_data(figures["real_data"])
        if "demo_data" in figures:
            self.stdout.write("\n".join(format_demo_figures(figures["demo_data"])))

    def _print_held_out(self, figures: dict) -> None:
        held_out = figures["held_out"]
        write = self.stdout.write
        write(f"model {figures['version']} ({'with' if figures['embeddings'] else 'without'} embeddings)")
        write(
            f"held-out split: {held_out['split_size']} examples, "
            f"{held_out['complaints_in_split']} complaints, "
            f"{held_out['critical_in_split']} critical"
        )
        complaint = held_out["complaint"]
        write("\n== complaint detection")
        write(
            f"precision {complaint['precision']:.3f}  recall {complaint['recall']:.3f}  "
            f"F1 {complaint['f1']:.3f}"
            f"  accuracy {complaint['accuracy']:.3f}"
        )
        self._print_matrix(complaint["confusion_matrix"])
        write("\n== category (complaints in the split, category head)")
        self._print_per_class(held_out["category"])
        write(
            f"end-to-end macro-F1 (a missed complaint counts as wrong): "
            f"{held_out['category_end_to_end']['macro_f1']:.3f}"
        )
        write("\n== severity (complaints in the split, end to end)")
        self._print_per_class(held_out["severity"])
        write(f"\ncritical-severity recall: {held_out['critical_recall']:.3f}")
        write(f"score (mean of complaint F1, category macro-F1, critical recall): {held_out['score']:.4f}")

    def _print_per_class(self, report: dict) -> None:
        write = self.stdout.write
        write(f"{'class':<24}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}")
        for label, row in report["per_class"].items():
            write(
                f"{label:<24}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>8.3f}{row['support']:>9}"
            )
        write(f"{'macro-F1':<24}{'':>20}{report['macro_f1']:>8.3f}")
        self._print_matrix(report["confusion_matrix"])

    def _print_matrix(self, matrix: dict) -> None:
        labels = matrix["labels"]
        short = [label[:6] for label in labels]
        write = self.stdout.write
        write("confusion matrix (rows gold, columns predicted):")
        write(" " * 24 + "".join(f"{name:>8}" for name in short))
        for label, row in zip(labels, matrix["rows_gold_cols_predicted"], strict=True):
            write(f"{label:<24}" + "".join(f"{value:>8}" for value in row))

    def _print_real_data(self, real: dict) -> None:
        write = self.stdout.write
        write("\n== real data (ours beside plain VADER)")
        if "complaint_tweets" in real:
            tweets = real["complaint_tweets"]
            write(
                f"complaint_tweets ({tweets['rows']}): complaint F1 ours "
                f"{tweets['ours']['complaint_f1']:.3f} "
                f"vs VADER-negative {tweets['vader_negative']['complaint_f1']:.3f}; macro-F1 ours "
                f"{tweets['ours']['macro_f1']:.3f} vs {tweets['vader_negative']['macro_f1']:.3f}"
            )
        if "hospital_reviews" in real:
            for source, row in real["hospital_reviews"].items():
                write(
                    f"hospital_reviews[{source}] ({row['rows']}): pos-vs-neg accuracy ours "
                    f"{row['ours_accuracy']:.3f} vs VADER {row['vader_accuracy']:.3f}"
                )
        if "nhs_patient_feedback" in real:
            nhs = real["nhs_patient_feedback"]
            write(
                f"nhs_patient_feedback ({nhs['rows']}): 3-class sentiment accuracy ours "
                f"{nhs['sentiment']['ours_accuracy']:.3f} vs VADER {nhs['sentiment']['vader_accuracy']:.3f}"
            )
            category = nhs["category"]
            write(
                f"  category macro-F1 on {nhs['negative_with_categories']} negative comments: ours "
                f"{category['ours_macro_f1']:.3f} (end to end {category['ours_end_to_end_macro_f1']:.3f}; "
                f"majority-class baseline {category['majority_class_macro_f1']:.3f}; VADER n/a); "
                f"flagged as complaints {category['flagged_as_complaint']:.3f}"
            )
        if "vader_tweets" in real:
            ratings = real["vader_tweets"]
            write(
                f"vader_tweets ({ratings['rows']}): Pearson r ours {ratings['ours_pearson_r']:.3f} "
                f"vs VADER {ratings['vader_pearson_r']:.3f}"
            )
