"""Classify JSON Lines of {"id", "text"} into sentiment, complaint, category and severity.

Streams in chunks, so 100,000 lines use the memory of one chunk; never opens a database connection.
"""

import contextlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from itertools import islice
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError

from enrichment.classifier import active_model, ensure_active_model
from enrichment.classifier.predict import classify_texts

DEFAULT_CHUNK_SIZE = 1_000


class Command(BaseCommand):
    help = (
        'Read JSON Lines {"id": ..., "text": ...} (stdin by default) and write one JSON line per valid '
        "input, in input order, with sentiment, is_complaint, complaint_probability, category, "
        "category_probability, "
        "severity and model_version. Bad lines are reported on stderr with their line number and skipped."
    )
    # Classification needs no database and no other app's checks; skipping them keeps it usable offline.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", default="-", help="JSON Lines file (default: stdin)")
        parser.add_argument("--output", default="-", help="output file (default: stdout)")
        parser.add_argument("--embeddings", action="store_true", help="use sentence embeddings where unsure")
        parser.add_argument("--chunk-size", type=int, default=DEFAULT_CHUNK_SIZE)

    def handle(self, *args, **options):
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1")
        ensure_active_model()
        model = active_model()
        use_embeddings = options["embeddings"]
        if use_embeddings and not model.has_embeddings:
            self.stderr.write(f"model {model.version} has no embedding heads; classifying without them")

        bad_lines = []

        def report(number: int, reason: str) -> None:
            bad_lines.append(number)
            self.stderr.write(f"line {number}: {reason}")

        with _input(options["input"]) as source, _output(options["output"], self.stdout) as sink:
            records = _parse(source, on_bad_line=report)
            while chunk := list(islice(records, options["chunk_size"])):
                results = classify_texts(
                    [text for _, text in chunk], model=model, use_embeddings=use_embeddings
                )
                sink.write(
                    "".join(
                        json.dumps({"id": record_id, **result.as_json()}, ensure_ascii=False) + "\n"
                        for (record_id, _), result in zip(chunk, results, strict=True)
                    )
                )
                sink.flush()
        if bad_lines:
            self.stderr.write(f"{len(bad_lines)} bad line(s) skipped")


def _parse(source: TextIO, *, on_bad_line: Callable[[int, str], None]) -> Iterator[tuple[object, str]]:
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            on_bad_line(number, f"not valid JSON ({error.msg})")
            continue
        if not isinstance(record, dict):
            on_bad_line(number, "expected a JSON object")
        elif "id" not in record:
            on_bad_line(number, 'missing "id"')
        elif not isinstance(record.get("text"), str):
            on_bad_line(number, '"text" must be a string')
        else:
            yield record["id"], record["text"]


@contextlib.contextmanager
def _input(name: str) -> Iterator[TextIO]:
    if name != "-":
        try:
            # Opened apart from the with block so only open()'s own errors become a CommandError.
            handle = open(name, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as error:
            raise CommandError(f"cannot read {name}: {error}") from error
        with handle:
            yield handle
        return
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # already a text stream (tests replace sys.stdin with a StringIO)
        yield sys.stdin
        return
    # Decode stdin as UTF-8 whatever the locale says; undecodable bytes become U+FFFD, not a crash.
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", errors="replace")
    try:
        yield wrapper
    finally:
        wrapper.detach()  # leave sys.stdin's buffer open


@contextlib.contextmanager
def _output(name: str, stdout) -> Iterator:
    if name == "-":
        yield _StdoutSink(stdout)
        return
    try:
        handle = open(name, "w", encoding="utf-8")  # noqa: SIM115 - see _input
    except OSError as error:
        raise CommandError(f"cannot write {name}: {error}") from error
    with handle:
        yield handle


class _StdoutSink:
    """Writes through Django's OutputWrapper so call_command(stdout=...) captures the lines."""

    def __init__(self, stdout) -> None:
        self.stdout = stdout

    def write(self, text: str) -> None:
        self.stdout.write(text, ending="")

    def flush(self) -> None:
        self.stdout.flush()
