"""`import_ideas`: JSON exports and CSV files, validated like the API, all or nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ideas.models import Idea
from ideas.tests.factories import IdeaFactory


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_ideas", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def export_document(ideas: list[dict]) -> dict:
    return {
        "format": "creatorvault.user-export",
        "version": 1,
        "exported_at": "2026-11-25T10:00:00Z",
        "user": {"id": "someone", "email": "someone@example.com", "name": "Someone"},
        "ideas": ideas,
    }


EXPORTED_IDEA = {
    "id": "5d0b6c1e-3c8a-4f7e-9d3e-2f1a0b9c8d7e",
    "title": "  Podcast: sourdough myths ",
    "notes": "Ask the baker.\nBring bread.",
    "stage": "outline",
    "tags": ["Food", "podcast", "food"],
    "priority": "high",
    "due_date": "2027-01-04T10:30:00+01:00",
    "version": 3,
    "stage_rank": 1,
    "priority_rank": 2,
    "created_at": "2025-01-01T00:00:00Z",
    "updated_at": "2025-01-02T00:00:00Z",
}


def test_imports_an_export_document_through_the_api_rules(owner, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_document([EXPORTED_IDEA, {"title": "Second"}])))
    out, _ = run(str(path), "--user", owner.email)
    assert "Imported 2 idea(s) for ada@example.com" in out
    idea = Idea.objects.for_owner(owner).get(title="Podcast: sourdough myths")
    assert idea.tags == ["food", "podcast"]
    assert (idea.stage, idea.priority, idea.version) == ("outline", "high", 1)
    assert idea.notes == "Ask the baker.\nBring bread."
    assert idea.due_date.isoformat() == "2027-01-04T09:30:00+00:00"
    assert str(idea.pk) != EXPORTED_IDEA["id"]  # new ideas of the target user


def test_ideas_that_were_in_the_trash_are_skipped_and_counted(owner, tmp_path):
    trashed = {"title": "Binned", "trashed_at": "2026-01-01T00:00:00Z"}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export_document([{"title": "Kept", "trashed_at": None}, trashed])))
    out, _ = run(str(path), "--user", owner.pk)
    assert "Imported 1 idea(s)" in out
    assert "1 idea(s) that were in the trash were skipped." in out
    assert list(Idea.objects.values_list("title", flat=True)) == ["Kept"]


def test_imports_an_api_envelope_or_a_bare_list(owner, tmp_path):
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"success": True, "data": export_document([{"title": "A"}]), "meta": {}}))
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps([{"title": "B"}, {"title": "C", "tags": []}]))
    run(str(wrapped), "--user", owner.pk)
    run(str(bare), "--user", owner.pk)
    assert sorted(Idea.objects.for_owner(owner).values_list("title", flat=True)) == ["A", "B", "C"]


def test_imports_csv(owner, tmp_path):
    path = tmp_path / "ideas.csv"
    path.write_text(
        "title,notes,stage,tags,priority,due_date\n"
        'Video: knife skills,"Line one\nline two",draft,"Video, Food",low,2027-03-01T12:00:00Z\n'
        "Blog: pasta,,,,,\n"
        'Thread: moss,,idea,"[""nature"", ""social""]",,\n'
    )
    out, _ = run(str(path), "--user", owner.email)
    assert "Imported 3 idea(s)" in out
    video = Idea.objects.get(title="Video: knife skills")
    assert (video.stage, video.priority, video.tags) == ("draft", "low", ["video", "food"])
    assert video.notes == "Line one\nline two"
    blog = Idea.objects.get(title="Blog: pasta")
    assert (blog.stage, blog.priority, blog.tags, blog.due_date) == ("idea", "medium", [], None)
    assert Idea.objects.get(title="Thread: moss").tags == ["nature", "social"]


def test_a_file_with_bad_rows_imports_nothing_and_reports_each(owner, tmp_path):
    IdeaFactory.create(user=owner, title="Already there")
    path = tmp_path / "ideas.json"
    path.write_text(
        json.dumps(
            [
                {"title": "Good one"},
                {"title": ""},
                {"title": "Bad stage", "stage": "shipped"},
                {"title": "Too many tags", "tags": [f"t{i}" for i in range(21)]},
                {"title": "Unknown field", "colour": "red"},
                "not an object",
                {"title": "Good two"},
            ]
        )
    )
    err = StringIO()
    with pytest.raises(CommandError, match=r"Imported nothing: 5 of 7 row\(s\) rejected"):
        call_command("import_ideas", str(path), "--user", owner.pk, stdout=StringIO(), stderr=err)
    report = err.getvalue()
    assert "Rejected idea #2: title: This field may not be blank." in report
    assert "Rejected idea #3: stage:" in report
    assert "Rejected idea #4: tags:" in report
    assert "Rejected idea #5: Unknown field(s): colour." in report
    assert "Rejected idea #6: Each idea must be an object." in report
    assert "#1" not in report and "#7" not in report
    assert list(Idea.objects.values_list("title", flat=True)) == ["Already there"]


def test_bad_csv_row_reports_its_line(owner, tmp_path):
    path = tmp_path / "ideas.csv"
    path.write_text("title,priority\nFine,high\nBroken,urgent\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_ideas", str(path), "--user", owner.pk, stdout=StringIO(), stderr=err)
    assert "Rejected line 3: priority:" in err.getvalue()
    assert not Idea.objects.exists()


def test_dry_run_validates_and_writes_nothing(owner, tmp_path):
    path = tmp_path / "ideas.json"
    path.write_text(json.dumps([{"title": "One"}, {"title": "Two"}]))
    out, _ = run(str(path), "--user", owner.pk, "--dry-run")
    assert "Dry run: all 2 row(s) are valid; 2 idea(s) would be imported" in out
    assert not Idea.objects.exists()


def test_dry_run_still_reports_bad_rows(owner, tmp_path):
    path = tmp_path / "ideas.json"
    path.write_text(json.dumps([{"title": "One"}, {"notes": "no title"}]))
    with pytest.raises(CommandError, match="1 of 2"):
        run(str(path), "--user", owner.pk, "--dry-run")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("{not json", "x.json", "Not valid JSON"),
        ('{"format": "other"}', "x.json", "Expected an export document"),
        ("[]", "x.json", "holds no ideas"),
        ("", "x.csv", "needs a header row"),
        ("name,notes\nA,B\n", "x.csv", "no `title` column"),
        ("title\nA\n", "x.txt", "Cannot tell the format"),
    ],
)
def test_bad_files_are_refused_clearly(owner, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--user", owner.pk)


def test_unknown_user_and_missing_file_are_refused(owner, tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[]")
    with pytest.raises(CommandError, match="No user has the id or e-mail"):
        run(str(path), "--user", "nobody@example.com")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.json"), "--user", owner.pk)


def test_format_option_overrides_the_extension(owner, tmp_path):
    path = tmp_path / "ideas.txt"
    path.write_text("title\nFrom a txt file\n")
    run(str(path), "--user", owner.pk, "--format", "csv")
    assert Idea.objects.filter(title="From a txt file").exists()


def test_round_trip_with_export_user_data(owner, outsider, tmp_path):
    IdeaFactory.create(user=owner, title="Exported", tags=["a"], notes="private words")
    path = tmp_path / "export.json"
    call_command("export_user_data", owner.pk, "--output", str(path), stdout=StringIO())
    run(str(path), "--user", outsider.pk)
    copy = Idea.objects.for_owner(outsider).get()
    assert (copy.title, copy.tags, copy.notes) == ("Exported", ["a"], "private words")


def test_help_describes_the_command():
    from django.core.management import load_command_class

    command = load_command_class("ideas", "import_ideas")
    parser = command.create_parser("manage.py", "import_ideas")
    text = parser.format_help()
    assert "--dry-run" in text and "--user" in text and "CSV" in text
