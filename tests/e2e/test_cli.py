"""``python -m pipeline validate``: checks an inbox without landing or loading it.

Exit 0 when every delivery is valid, 1 when any is refused (the file and the problem
named on stdout, the refused deliveries on stderr, the report written with ``--out``),
2 when the inbox is not a folder.
"""
from __future__ import annotations

from pipeline.orchestration.cli import main
from tests.e2e.conftest import BAD_NHS_NUMBER, THERAPY_FILES, listing, therapies_inbox


def test_validate_refuses_a_broken_file_and_names_it(cli_validate_broken):
    run = cli_validate_broken
    done = run.launched.result()

    assert done.returncode == 1, done.describe()
    stdout = done.stdout.splitlines()
    assert any(line.startswith("refused") and "therapies 2026-11-05" in line for line in stdout), done.describe()
    assert any(line.startswith("valid") and "therapies 2026-10-05" in line for line in stdout), done.describe()
    problems = [line for line in stdout if THERAPY_FILES[1] in line]
    assert any("nhs_number" in line and f"lines {run.nhs_line}" in line for line in problems), done.describe()
    assert any("referral_received_date" in line and "lines 8" in line for line in problems), done.describe()
    assert any("therapy referrals latest.csv" in line and "not read" in line for line in stdout), done.describe()
    assert BAD_NHS_NUMBER not in done.stdout + done.stderr  # an identifier is never printed
    last = [line for line in done.stderr.splitlines() if line.startswith("refused")]
    assert len(last) == 1 and last[0].startswith("refused: therapies 2026-11-05: "), done.describe()
    # the first line names the file that was not read, then the first blocking findings with their lines
    assert "therapy referrals latest.csv: file name matches the feed" in last[0]
    assert f"{THERAPY_FILES[1]}, column nhs_number: NHS number check digit (1 row; line {run.nhs_line})" in last[0]
    assert f"{THERAPY_FILES[1]}, column referral_received_date: date in an accepted form (1 row; line 8)" in last[0]
    assert "and 1 more: see the validation report" in last[0]
    report = (run.out / "validation-report.md").read_text(encoding="utf-8")
    assert THERAPY_FILES[1] in report and "`nhs_number`" in report and BAD_NHS_NUMBER not in report
    assert (run.out / "validation-report.csv").is_file()
    assert listing(run.inbox) == run.before  # nothing written into the inbox
    assert not (run.inbox.parent / "data").exists()


def test_validate_passes_a_good_inbox(small_inbox, tmp_path, capsys, logging_kept):
    inbox = therapies_inbox(small_inbox, tmp_path)
    before = listing(inbox)

    assert main(["validate", "--inbox", str(inbox)]) == 0

    out = capsys.readouterr()
    assert [line.split()[:3] for line in out.out.splitlines() if line.strip() and not line.startswith(" ")] == [
        ["valid", "therapies", "2026-10-05"], ["valid", "therapies", "2026-11-05"]]
    assert "refused" not in out.err
    assert listing(inbox) == before


def test_validate_without_an_inbox_is_a_usage_error(tmp_path, capsys, logging_kept):
    assert main(["validate", "--inbox", str(tmp_path / "missing")]) == 2
    assert "missing" in capsys.readouterr().err
