"""The national run's batches: every area once, the lead's run last."""
from __future__ import annotations

from pipeline.orchestration.national import batches, local_authorities


def test_every_area_is_in_one_batch_and_the_lead_in_the_last():
    codes = ["890", *(f"{n:03d}" for n in range(200, 213))]
    runs = batches(codes, 6)
    assert sorted(c for run in runs for c in run) == sorted(codes)
    assert [len(r) for r in runs] == [6, 6, 2] and runs[-1][-1] == "890"
    assert batches(codes[:13], 6)[-1] == ["890"]  # the others fill their runs: the lead runs alone
    assert batches(codes, None) == [codes]


def test_every_local_authority_with_published_plans_is_an_area():
    las = local_authorities()
    assert len(las) == 153
    assert dict((code, scale) for code, _, scale in las)["890"] == 1.0
