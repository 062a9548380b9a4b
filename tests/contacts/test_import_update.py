"""CSV import with rows that are already contacts: skipped, filling empty fields or
overwriting, chosen per import; every row's outcome shown in row order."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import Contact, ContactImport
from crm.services import contact_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CSV = """name,phone,email,tags
Sanne de Vries,+31612345678,sanne@example.nl,vip
New Person,,new@example.nl,
Piet,06 87654321,piet.new@example.nl,
Bad,call me,bad@example.nl,
Clash,+31611112222,piet@example.nl,
"""


@pytest.fixture
def lead(client):
    user = make_user("lena", role="lead")
    client.force_login(user)
    return user


@pytest.fixture
def known():
    sanne = contact_create(name="Sanne", email="sanne@example.nl")
    piet = contact_create(name="", phone="+31687654321", email="piet@example.nl")
    contact_create(name="Kees", phone="+31611112222")
    return sanne, piet


def _import(client, django_capture_on_commit_callbacks, mode: str | None, text: str = CSV) -> ContactImport:
    upload = SimpleUploadedFile("contacts.csv", text.encode(), content_type="text/csv")
    data = {"file": upload, **({"mode": mode} if mode else {})}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/contacts/import/", data)
    return ContactImport.objects.get()


def _outcomes(job) -> list[tuple[int, str]]:
    return [(r["row"], r["outcome"]) for r in job.results]


def test_the_import_page_offers_the_three_choices(client, lead):
    page = client.get("/contacts/import/").content.decode()
    for mode in ("skip", "fill", "overwrite"):
        assert f'data-testid="import-mode-{mode}"' in page


def test_skip_leaves_known_contacts_alone_and_says_so_per_row(client, lead, known, django_capture_on_commit_callbacks):
    sanne, piet = known
    job = _import(client, django_capture_on_commit_callbacks, "skip")
    assert _outcomes(job) == [(2, "skipped"), (3, "created"), (4, "skipped"), (5, "error"), (6, "error")]
    assert (job.imported, job.updated, job.skipped) == (1, 0, 2)
    sanne.refresh_from_db()
    assert sanne.name == "Sanne" and sanne.phone == "" and not sanne.tags.exists()
    assert "sanne@example.nl" in job.results[0]["reason"]
    assert "two different contacts" in job.results[4]["reason"]


def test_update_empty_fields_fills_blanks_and_keeps_what_is_known(
    client, lead, known, django_capture_on_commit_callbacks
):
    sanne, piet = known
    job = _import(client, django_capture_on_commit_callbacks, "fill")
    assert _outcomes(job) == [(2, "updated"), (3, "created"), (4, "updated"), (5, "error"), (6, "error")]
    assert (job.imported, job.updated, job.skipped) == (1, 2, 0)
    sanne.refresh_from_db()
    piet.refresh_from_db()
    # Sanne keeps her name; her empty phone is filled in and becomes a matching key
    assert sanne.name == "Sanne" and sanne.phone == "+31612345678"
    assert list(sanne.tags.values_list("name", flat=True)) == ["vip"]
    assert sanne.phones.filter(e164="+31612345678", verified=True).exists()
    # Piet (matched by phone) gets his empty name; his email stays
    assert piet.name == "Piet" and piet.email == "piet@example.nl"
    assert job.results[0]["contact"] == sanne.pk
    assert Contact.objects.count() == 4


def test_overwrite_replaces_known_values(client, lead, known, django_capture_on_commit_callbacks):
    sanne, piet = known
    job = _import(client, django_capture_on_commit_callbacks, "overwrite")
    assert _outcomes(job)[:3] == [(2, "updated"), (3, "created"), (4, "updated")]
    sanne.refresh_from_db()
    piet.refresh_from_db()
    assert sanne.name == "Sanne de Vries"
    assert piet.email == "piet.new@example.nl"
    # the old address still finds Piet
    assert piet.emails.filter(email_lower="piet@example.nl").exists()


def test_a_row_with_nothing_new_is_skipped_with_the_reason(client, lead, known, django_capture_on_commit_callbacks):
    job = _import(client, django_capture_on_commit_callbacks, "fill", "name,email\nSanne,sanne@example.nl\n")
    assert _outcomes(job) == [(2, "skipped")]
    assert "Nothing to update" in job.results[0]["reason"]


def test_the_progress_page_lists_every_row_in_row_order(client, lead, known, django_capture_on_commit_callbacks):
    # a known contact's row (found in a second pass) comes before a row with a bad phone
    job = _import(
        client, django_capture_on_commit_callbacks, None, "name,phone,email\nA,,sanne@example.nl\nB,call me,\n"
    )
    page = client.get(f"/contacts/import/{job.pk}/").content.decode()
    rows = [int(n) for n in re.findall(r"<tr[^>]*>\s*<td>(\d+)</td>", page)]
    assert rows == [2, 3]
    assert "Unparseable phone number" in page and "Skipped" in page
