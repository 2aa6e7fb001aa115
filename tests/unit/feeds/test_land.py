"""Landing: immutable raw copies, a manifest, no-op on the same bytes, atomic replacement."""
import stat

from pipeline.feeds.land import current_versions, land_inbox, read_manifest


def _deliver(inbox, name, text, feed="therapies"):
    folder = inbox / feed
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_land_copies_with_manifest_and_is_idempotent(tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    _deliver(inbox, "therapy_referrals_05-11-2026.csv", "referral_id\n1\n2\n")
    landed, findings = land_inbox(inbox, raw)
    assert findings == [] and len(landed) == 1 and landed[0].changed
    path = raw / "therapies" / "2026-11-05" / "v1" / "therapy_referrals_05-11-2026.csv"
    assert path.read_text() == "referral_id\n1\n2\n"
    assert not path.stat().st_mode & stat.S_IWUSR  # read-only
    row, = read_manifest(raw, "therapies")
    assert (row["rows"], row["bytes"], row["extract_date"]) == ("2", "16", "2026-11-05")
    again, _ = land_inbox(inbox, raw)
    assert not again[0].changed and len(read_manifest(raw, "therapies")) == 1


def test_corrected_snapshot_becomes_a_new_current_version(tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    _deliver(inbox, "therapy_referrals_05-11-2026.csv", "referral_id\n1\n")
    land_inbox(inbox, raw)
    _deliver(inbox, "therapy_referrals_05-11-2026.csv", "referral_id\n1\n2\n")
    landed, _ = land_inbox(inbox, raw)
    assert landed[0].version == 2 and landed[0].changed
    assert (raw / "therapies" / "2026-11-05" / "v1").is_dir()  # nothing landed is deleted
    current = current_versions(raw, "therapies")["2026-11-05"]
    assert current.files["referrals"].read_text() == "referral_id\n1\n2\n"


def test_unknown_names_and_links_are_reported_not_read(tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    _deliver(inbox, "referrals_latest.csv", "x\n1\n")
    target = tmp_path / "elsewhere.csv"
    target.write_text("referral_id\n1\n")
    (inbox / "therapies" / "therapy_referrals_06-11-2026.csv").symlink_to(target)
    landed, findings = land_inbox(inbox, raw)
    assert landed == []
    assert sorted(f.file for f in findings) == ["referrals_latest.csv", "therapy_referrals_06-11-2026.csv"]
    assert all("not read" in f.sentence for f in findings)


def test_council_files_group_by_extract_date(tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    for module in ("sen2", "person"):
        _deliver(inbox, f"Blade-Export_05-11-2026_{module}.csv", "a\n1\n", "council_send")
    _deliver(inbox, "Blade-Export_05-12-2026_sen2.csv", "a\n1\n", "council_send")
    landed, _ = land_inbox(inbox, raw)
    assert {d.key: sorted(d.files) for d in landed} == {"2026-11-05": ["person", "sen2"], "2026-12-05": ["sen2"]}
