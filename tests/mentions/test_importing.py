import json

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from mentions.importing import import_job_create, import_job_run
from mentions.models import ImportJob, Mention, RejectedPayload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_import(name: str, content: bytes, platform: str = "other") -> ImportJob:
    job = import_job_create(
        file=ContentFile(content), original_name=name, default_platform=platform, enqueue=False
    )
    return import_job_run(job_id=job.pk)


CSV = (
    b"id,platform,author,text,date,likes\n"
    b"1,twitter,@jen,Waited 5 hours at RGH,2026-11-01T10:00:00Z,3\n"
    b"2,reddit,bob,Mercy Valley billed me twice,2026-11-02T10:00:00Z,\n"
    b"3,twitter,carl,,2026-11-03T10:00:00Z,1\n"
    b"4,twitter,dee,RGH parking is awful,last tuesday,1\n"
    b"5,twitter,eve,RGH nurses rock,1761998400,not-a-number\n"
    b'6,review,fay,"Quoted, with a comma, RGH",2026-11-04T10:00:00Z,0\n'
)


def test_csv_import_stores_good_rows_and_keeps_bad_ones_with_row_numbers(hospitals):
    job = run_import("export.csv", CSV)
    assert job.status == ImportJob.Status.DONE
    assert (job.rows_total, job.rows_imported, job.rows_rejected) == (6, 3, 3)
    assert set(Mention.objects.values_list("external_id", flat=True)) == {"1", "2", "6"}
    assert Mention.objects.get(external_id="1").platform == "x"
    assert Mention.objects.get(external_id="1").author_handle == "jen"
    assert Mention.objects.get(external_id="6").text == "Quoted, with a comma, RGH"
    errors = dict(RejectedPayload.objects.values_list("row_number", "error"))
    assert errors[4] == "missing required field 'text'"
    assert "not a date-time" in errors[5]
    assert "whole number" in errors[6]
    assert RejectedPayload.objects.get(row_number=4).payload["author"] == "carl"


def test_importing_the_same_file_twice_stores_nothing_twice(hospitals):
    run_import("export.csv", CSV)
    again = run_import("export.csv", CSV)
    assert (again.rows_imported, again.rows_duplicate) == (0, 3)
    assert Mention.objects.count() == 3


def test_rows_without_ids_get_a_stable_id_from_their_content(hospitals):
    content = b"text,posted_at\nRGH was fine,2026-11-01T10:00:00Z\n"
    run_import("no-ids.csv", content)
    again = run_import("no-ids.csv", content)
    assert again.rows_duplicate == 1
    assert Mention.objects.get().external_id.startswith("import-")


def test_jsonl_import_reports_bad_lines_and_imports_the_rest(hospitals):
    lines = [
        json.dumps(
            {"id": "a", "text": "RGH 😀 emoji", "posted_at": "2026-11-01T10:00:00Z", "platform": "bluesky"}
        ),
        "{not json",
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "b", "text": "fine", "posted_at": "2026-11-01T10:00:00Z"}),
    ]
    content = "\n".join(lines).encode() + b"\n" + b'{"id": "c", "text": "caf\xe9"}\n'
    job = run_import("feed.jsonl", content, platform="web")
    assert (job.rows_imported, job.rows_rejected) == (2, 3)
    assert Mention.objects.get(external_id="a").platform == "bluesky"
    assert Mention.objects.get(external_id="b").platform == "web"
    errors = dict(RejectedPayload.objects.values_list("row_number", "error"))
    assert "line 2 is not valid JSON" in errors[2]
    assert "must be a JSON object" in errors[3]
    assert "line 6 is not valid UTF-8" in errors[6]
    assert RejectedPayload.objects.get(row_number=2).payload_text == "{not json"


def test_csv_rows_with_invalid_utf8_or_extra_values_are_kept_as_rejected(hospitals):
    content = b"text,posted_at\nRGH ok,2026-11-01T10:00:00Z\nbad \xff byte,2026-11-01T10:00:00Z\na,b,c\n"
    job = run_import("odd.csv", content)
    assert (job.rows_imported, job.rows_rejected) == (1, 2)
    errors = dict(RejectedPayload.objects.values_list("row_number", "error"))
    assert errors[3] == "row 3 is not valid UTF-8"
    assert "more values than the header" in errors[4]


def test_a_running_job_is_not_run_twice(hospitals):
    job = import_job_create(file=ContentFile(CSV), original_name="x.csv", enqueue=False)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE)
    import_job_run(job_id=job.pk)
    assert Mention.objects.count() == 0


def test_import_command_prints_a_summary_and_the_rejected_rows(hospitals, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_bytes(CSV)
    call_command("import_mentions", str(path))
    captured = capsys.readouterr()
    assert "3 imported, 0 already stored, 3 rejected" in captured.out
    assert "row 4: missing required field 'text'" in captured.err


def test_import_command_rejects_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        call_command("import_mentions", str(tmp_path / "missing.csv"))
