#!/usr/bin/env python3
# Part of scripts/contract.sh (issue 12, "generated clients prove the contract"): the HIS
# scenario, run with the Python client that openapi-python-client generated from
# openapi/openapi.json — nothing here builds a request by hand.
#
# usage: PYTHONPATH=<dir holding hcrm_client> contract-his.py BASE ADMIN_PASSWORD
#
# An admin makes an integration user and an API key with scopes; the client signs in with the
# key, upserts a batch of patients and visits, replays it (the same results, nothing changed),
# sends the same data again under a new batch id (every item unchanged), reads the batch and
# the list of batches; a key without visits:write is refused a visit.
"""The HIS scenario of the contract check, through the generated client."""
import datetime
import glob
import importlib
import os
import sys

import hcrm_client
from hcrm_client import AuthenticatedClient, Client
from hcrm_client.models import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiScope,
    BatchResult,
    BatchUpsert,
    LoginRequest,
    PageBatchSummary,
    PatientItem,
    Role,
    TokenResponse,
    UserCreate,
    VisitItem,
    VisitKind,
)

base, password = sys.argv[1], sys.argv[2]


def operation(operation_id):
    """The generated module of an operation, whatever tag it was filed under."""
    root = os.path.dirname(hcrm_client.__file__)
    found = glob.glob(os.path.join(root, "api", "*", f"{operation_id}.py"))
    assert len(found) == 1, f"{operation_id}: {found}"
    tag = os.path.basename(os.path.dirname(found[0]))
    return importlib.import_module(f"hcrm_client.api.{tag}.{operation_id}")


def check(ok, what):
    if not ok:
        raise AssertionError(what)


sign_in = operation("sign_in")
list_institutions = operation("list_institutions")
create_user = operation("create_user")
create_api_key = operation("create_api_key")
get_current_user = operation("get_current_user")
upsert_batch = operation("upsert_batch")
get_integration_batch = operation("get_integration_batch")
list_integration_batches = operation("list_integration_batches")

# --- the admin makes the client and its key -------------------------------------------------
tokens = sign_in.sync(client=Client(base_url=base), body=LoginRequest(username="admin", password=password))
check(isinstance(tokens, TokenResponse), tokens)
admin = AuthenticatedClient(base_url=base, token=tokens.access_token)
institution = list_institutions.sync(client=admin, limit=1).items[0]
user = create_user.sync(client=admin, body=UserCreate(
    username="his.contract", display_name="HIS 契约测试", password=password,
    roles=[Role.INTEGRATION], institution_ids=[institution.id]))
check(getattr(user, "username", None) == "his.contract", user)


def new_key(name, scopes):
    made = create_api_key.sync(client=admin, id=user.id,
                               body=ApiKeyCreate(name=name, scopes=[ApiScope(s) for s in scopes]))
    check(isinstance(made, ApiKeyCreated), made)
    check(sorted(s.value for s in made.api_key.scopes) == sorted(scopes), made.api_key.scopes)
    return made.key


key = new_key("HIS 生产环境", ["patients:write", "visits:write", "batches:read"])

# --- the client signs in with the key -------------------------------------------------------
his = AuthenticatedClient(base_url=base, token=key)
me = get_current_user.sync(client=his)
check(me.username == "his.contract", me)

admitted = datetime.datetime(2026, 12, 1, 2, 30, tzinfo=datetime.timezone.utc)


def batch(batch_id):
    return BatchUpsert(
        batch_id=batch_id,
        patients=[
            PatientItem(external_id="P-CT-0001", name="王秀英", id_number="11010519491231002X",
                        phones=["13800138001"]),
            PatientItem(external_id="P-CT-0002", name="李建华", phones=["13800138002"]),
        ],
        visits=[
            VisitItem(external_id="MZ-CT-0001", patient_external_id="P-CT-0001",
                      kind=VisitKind.OUTPATIENT, visited_at=admitted, amount_fen=35000, paid_fen=35000),
            VisitItem(external_id="ZY-CT-0001", patient_external_id="P-CT-0002",
                      kind=VisitKind.INPATIENT, visited_at=admitted, amount_fen=1280000,
                      insurance_fen=700000, paid_fen=500000),
        ],
    )


def results(r):
    return [(i.kind.value, i.index, i.external_id, i.result.value, str(i.id)) for i in r.items]


# --- upsert, replay, send again --------------------------------------------------------------
first = upsert_batch.sync_detailed(client=his, body=batch("HIS-CT-0001"))
check(first.status_code == 200 and isinstance(first.parsed, BatchResult), (first.status_code, first.content))
one = first.parsed
check([r[3] for r in results(one)] == ["created"] * 4, results(one))
check(not one.replayed and one.counts.created == 4, one.counts)

replay = upsert_batch.sync_detailed(client=his, body=batch("HIS-CT-0001"))
check(replay.status_code == 200 and isinstance(replay.parsed, BatchResult), (replay.status_code, replay.content))
check(replay.parsed.replayed, "the replay says it is one")
check(replay.headers.get("idempotent-replayed") == "true", dict(replay.headers))
check(results(replay.parsed) == results(one), (results(replay.parsed), results(one)))
check(replay.parsed.id == one.id, "the replay answers the stored batch")

again = upsert_batch.sync(client=his, body=batch("HIS-CT-0002"))
check(isinstance(again, BatchResult) and again.id != one.id, again)
check([r[3] for r in results(again)] == ["unchanged"] * 4, results(again))
check([r[4] for r in results(again)] == [r[4] for r in results(one)], "the same records")

# --- read the batch and the list ---------------------------------------------------------------
stored = get_integration_batch.sync(client=his, id=one.id)
check(isinstance(stored, BatchResult) and results(stored) == results(one), stored)
page = list_integration_batches.sync(client=his, limit=10)
check(isinstance(page, PageBatchSummary), page)
listed = {b.id: b for b in page.items}
check(one.id in listed and again.id in listed, [b.id for b in page.items])
check(listed[one.id].counts.created == 4 and listed[again.id].counts.unchanged == 4, listed)
check(all(b.client_name == "his.contract" for b in page.items), "a client sees its own batches")

# --- scopes: a key without visits:write may not write visits ----------------------------------
patients_only = AuthenticatedClient(base_url=base, token=new_key("HIS 只写患者", ["patients:write"]))
refused = upsert_batch.sync_detailed(client=patients_only, body=batch("HIS-CT-0003"))
check(refused.status_code == 403, (refused.status_code, refused.content))

print(f"HIS scenario: signed in with an API key as {me.username}; batch {one.batch_id}: "
      f"{one.counts.created} created; replay: the same {len(one.items)} results; "
      f"sent again: {again.counts.unchanged} unchanged; {len(page.items)} batches listed; "
      f"a key without visits:write refused (403)")
