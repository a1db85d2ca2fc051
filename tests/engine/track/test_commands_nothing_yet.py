"""Commands on a workspace with nothing to do, or none yet: ``profiles phones`` when every number
has its country code says so; ``segments create`` makes the workspace as the imports do."""

from __future__ import annotations

import json

from engine.store import Workspace
from tests.conftest import cli


def test_profiles_phones_with_every_number_in_full_form_says_nothing_to_do(tmp_path):
    with Workspace.open(tmp_path) as ws:
        ws.upsert_customer({"phone": "+33612345678"}, {"name": "Ana"})
    for extra in ((), ("--rewrite", "--yes")):
        res = cli("profiles", "phones", *extra, "--workspace", str(tmp_path))
        assert res.returncode == 0, res.stderr
        assert res.stdout == "no phone numbers are stored without a country code: nothing to do\n"
    res = cli("profiles", "phones", "--json", "--workspace", str(tmp_path))
    assert res.returncode == 0 and json.loads(res.stdout)["nothing_to_do"] is True


def test_segments_create_makes_a_workspace_as_the_imports_do(tmp_path):
    rules = tmp_path / "vip.json"
    rules.write_text(json.dumps({"kind": "group", "match": "all",
                                 "conditions": [{"kind": "tag", "tag": "vip", "has": True}]}), encoding="utf-8")
    res = cli("segments", "create", "VIP", "--rules", str(rules), "--workspace", str(tmp_path / "new"))
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "new" / "workspace.db").exists()
    listed = cli("segments", "list", "--workspace", str(tmp_path / "new"))
    assert listed.returncode == 0 and "VIP" in listed.stdout
