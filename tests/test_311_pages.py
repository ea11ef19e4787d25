"""311 pages: the staff console (HTMX) and the resident pages (English and Spanish)."""

from pathlib import Path

import polib
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from safercity.core.actors import command_actor
from safercity.core.models import Address
from safercity.core.roles import Role
from safercity.demo.services import demo_load
from safercity.service311.models import ServiceRequest
from safercity.service311.services import NewRequest, request_create
from tests.conftest import make_user
from tests.images import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    demo_load(actor=command_actor("tests"), scale=0.002, with_staff=False)
    return Address.objects.exclude(neighborhood=None).first()


def new(city, code="STREETLIGHT", **extra):
    return request_create(
        actor=command_actor("tests"),
        new=NewRequest(service_code=code, lat=city.lat, long=city.lon, **extra),
    )


@pytest.fixture
def agent(client):
    user = make_user("ada", Role.AGENT_311)
    client.force_login(user)
    return user


def test_the_console_is_for_311_agents(client, city):
    assert client.get("/staff/311/").status_code == 302
    client.force_login(make_user("ines", Role.INSPECTOR))
    assert client.get("/staff/311/").status_code == 403


def test_queues_show_open_requests_by_department_soonest_due_first(client, city, agent):
    late = new(city, "RATS")  # 10 days
    soon = new(city, "SIGNAL")  # 1 day
    page = client.get("/staff/311/").content.decode()
    assert page.index(f"#{soon.pk}") < page.index(f"#{late.pk}")
    health = client.get("/staff/311/", {"department": "health"}, HTTP_HX_REQUEST="true")
    fragment = health.content.decode()
    assert "<html" not in fragment
    assert f"#{late.pk}" in fragment and f"#{soon.pk}" not in fragment


def test_an_agent_closes_a_request_with_a_note_the_resident_sees(
    client, city, agent, django_capture_on_commit_callbacks
):
    item = new(city, email="resident@example.org", wants_email_updates=True, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/311/requests/{item.pk}/status/",
            {"status": "closed", "note": "Bombilla cambiada.", "public": "on"},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert 'data-testid="status">closed' in response.content.decode()
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_datetime is not None
    [email] = mail.outbox
    assert email.to == ["resident@example.org"]
    assert email.subject == f"Su solicitud 311 n.º {item.pk} ha cambiado"
    assert "cerrada" in email.body and "Bombilla cambiada." in email.body


def test_private_notes_and_assignment_stay_with_staff(client, city, agent):
    item = new(city)
    client.post(f"/staff/311/requests/{item.pk}/note/", {"text": "Ladder truck needed"})
    client.post(f"/staff/311/requests/{item.pk}/assign/", {"to": "me"})
    item.refresh_from_db()
    assert item.assigned_to == agent
    public = client.get(f"/open311/v2/requests/{item.pk}.json", {"extensions": "true"}).json()[0]
    assert "Ladder" not in str(public)
    assert not mail.outbox
    empty = client.post(f"/staff/311/requests/{item.pk}/note/", {"text": " "})
    assert empty.status_code == 400 and "needs some text" in empty.content.decode()


def test_nearby_requests_for_the_same_service_are_suggested_and_merged(client, city, agent):
    first = new(city)
    second = new(city)
    other_service = new(city, "RATS")
    page = client.get(f"/staff/311/requests/{second.pk}/").content.decode()
    assert f"Merge this request into #{first.pk}" in page
    assert f"into #{other_service.pk}" not in page
    client.post(f"/staff/311/requests/{second.pk}/merge/", {"into": first.pk})
    second.refresh_from_db()
    assert second.parent == first and second.status == "closed"
    assert "Duplicate of request" in second.status_notes
    assert (
        client.post(
            f"/staff/311/requests/{second.pk}/merge/", {"into": other_service.pk}
        ).status_code
        == 403
    )


def test_a_resident_reports_at_an_address_with_a_photo_anonymously(client, city):
    page = client.get("/311/report/POTHOLE/")
    assert page.status_code == 200 and "How big is it?" in page.content.decode()
    photo = SimpleUploadedFile("hole.png", png(), content_type="image/png")
    response = client.post(
        "/311/report/POTHOLE/",
        {
            "address": f"{city.house_number} {city.street}",
            "attribute_SIZE": "large",
            "description": "By the bus stop",
            "photo": photo,
        },
    )
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    assert item.source == "web" and item.email == "" and item.attributes == {"SIZE": "large"}
    assert item.address == city and item.media.name.endswith(".jpg")
    status = client.get(response["Location"]).content.decode()
    assert f"Your request number is {item.pk}" in status


def test_a_resident_can_choose_the_map_point_instead(client, city):
    response = client.post(
        "/311/report/STREETLIGHT/",
        {"lat": city.lat, "long": city.lon, "email": "a@example.org", "updates": "on"},
    )
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    assert item.lat == pytest.approx(city.lat) and item.wants_email_updates


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "Give an address, or choose the place on the map."),
        ({"address": "1 Main St", "updates": "on"}, "Give an email address to get updates."),
        ({"lat": "41.88", "long": "-87.63"}, "the location is outside the city"),
    ],
)
def test_a_report_that_cannot_be_taken_says_why(client, city, fields, words):
    response = client.post("/311/report/STREETLIGHT/", fields)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_the_resident_pages_speak_spanish(client, city):
    client.post("/i18n/setlang/", {"language": "es", "next": "/311/"})
    page = client.get("/311/").content.decode()
    assert "Reportar un problema al 311" in page
    assert "llame al 911" in page
    report = client.get("/311/report/STREETLIGHT/").content.decode()
    assert "Enviar el reporte" in report


def test_a_request_is_found_by_its_number_or_private_link(client, city):
    item = new(city)
    assert (
        client.get("/311/find/", {"reference": f"#{item.pk}"})["Location"]
        == f"/311/requests/{item.pk}/"
    )
    by_token = client.get(f"/311/requests/{item.token}/").content.decode()
    assert f"#{item.pk}" in by_token
    assert client.get("/311/find/", {"reference": "999999"}).status_code == 404
    assert client.get("/311/requests/not-a-token/").status_code == 404


def test_the_spanish_catalogue_is_complete_and_compiled():
    folder = Path(__file__).resolve().parent.parent / "safercity" / "locale" / "es" / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po"))
    compiled = polib.mofile(str(folder / "django.mo"))
    assert source.percent_translated() == 100
    assert {e.msgid: e.msgstr for e in source if e.msgid} == {
        e.msgid: e.msgstr for e in compiled if e.msgid
    }


def test_an_agents_note_with_control_characters_is_refused_with_the_reason(client, city):
    item = new(city)
    client.force_login(make_user("omar", Role.AGENT_311))
    answer = client.post(f"/staff/311/requests/{item.pk}/note/", {"text": "ok\x1b[2J"})
    assert answer.status_code == 400 and "control characters" in answer.content.decode()
    assert not item.notes.filter(kind="note").exists()


def test_the_email_link_works_from_a_mail_client_and_an_unchanged_save_sends_none(
    client, city, agent, settings, django_capture_on_commit_callbacks
):
    settings.SAFERCITY_SITE_URL = "https://311.example.org"
    item = new(city, email="resident@example.org", wants_email_updates=True)

    def save(status, note=""):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/staff/311/requests/{item.pk}/status/",
                {"status": status, "note": note, "public": "on"},
                HTTP_HX_REQUEST="true",
            )

    save("closed", "Light replaced.")
    [email] = mail.outbox
    assert f"https://311.example.org/311/requests/{item.token}/" in email.body
    assert client.get(f"/311/requests/{item.token}/").status_code == 200
    save("closed", "Light replaced.")
    save("closed")
    assert len(mail.outbox) == 1, "saving the same status again is not news"
    save("closed", "The pole was repainted too.")
    save("open")
    assert len(mail.outbox) == 3


def test_an_address_written_another_way_is_matched_with_the_list(client, city):
    typed = f"{city.house_number} {city.street.upper().replace(' ST', ' STREET')}, St. Louis, MO"
    response = client.post("/311/report/STREETLIGHT/", {"address": typed})
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    assert item.address == city and item.lat == city.lat
    assert item.address_string == str(city)  # the list's spelling, not the typed one
    status = client.get(response["Location"]).content.decode()
    assert str(city) in status and city.neighborhood.name in status


def test_an_address_off_the_list_gets_suggestions_and_the_pick_is_used(client, city):
    typed = f"{city.house_number + 1} {city.street}"  # the other side of the street
    first = client.post("/311/report/STREETLIGHT/", {"address": typed})
    assert first.status_code == 400
    page = first.content.decode()
    assert "is not on the city" in page and 'data-testid="suggestions"' in page
    assert (
        'aria-invalid="true"' in page
        and 'aria-describedby="id_address_helptext id_address_error"' in page
    )
    assert not ServiceRequest.objects.exists()
    offered = [a for a in Address.objects.filter(street=city.street) if f'value="{a.pk}"' in page]
    assert offered, "the nearest numbers on the same street are offered"
    second = client.post("/311/report/STREETLIGHT/", {"address": typed, "choice": offered[0].pk})
    assert second.status_code == 302
    assert ServiceRequest.objects.get().address == offered[0]


def test_an_address_nobody_knows_can_still_be_sent_as_written(client, city):
    first = client.post("/311/report/STREETLIGHT/", {"address": "77 Nowhere Blvd"})
    assert first.status_code == 400
    assert "Send it as written" in first.content.decode()
    second = client.post(
        "/311/report/STREETLIGHT/", {"address": "77 Nowhere Blvd", "as_written": "on"}
    )
    assert second.status_code == 302
    item = ServiceRequest.objects.get()
    assert item.address_string == "77 Nowhere Blvd" and item.lat is None


def test_a_map_point_is_told_by_its_nearest_address_to_the_resident_and_staff(client, city):
    response = client.post("/311/report/STREETLIGHT/", {"lat": city.lat + 0.0002, "long": city.lon})
    item = ServiceRequest.objects.get()
    assert item.nearest_address == city and item.address is None
    status = client.get(response["Location"]).content.decode()
    assert f"near {city}" in status and 'id="place-map"' in status
    client.force_login(make_user("omar", Role.AGENT_311))
    assert f"near {city}" in client.get("/staff/311/").content.decode()
    assert f"near {city}" in client.get(f"/staff/311/requests/{item.pk}/").content.decode()


def test_an_approved_photo_shows_on_the_page_by_number_and_a_pending_one_does_not(client, city):
    item = request_create(
        actor=command_actor("tests"),
        new=NewRequest(service_code="STREETLIGHT", lat=city.lat, long=city.lon),
        media=SimpleUploadedFile("hole.png", png(), content_type="image/png"),
    )
    by_number = f"/311/requests/{item.pk}/"
    assert 'data-testid="photo"' not in client.get(by_number).content.decode()
    ServiceRequest.objects.filter(pk=item.pk).update(media_review="approved")
    page = client.get(by_number).content.decode()
    assert 'data-testid="photo"' in page
    src = page.split('data-testid="photo"')[0].rsplit('src="', 1)[1].split('"')[0]
    assert client.get(src).status_code == 200


def test_every_string_marked_for_translation_is_in_the_spanish_catalog(tmp_path):
    """makemessages run on a copy of the code finds no string the catalog lacks, so nothing
    marked for translation shows in English under lang="es"."""
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed")
    root = Path(__file__).resolve().parent.parent
    copy = tmp_path / "safercity"
    shutil.copytree(root / "safercity", copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
    )
    found = {e.msgid for e in polib.pofile(str(copy / "locale/es/LC_MESSAGES/django.po"))}
    ours = polib.pofile(str(root / "safercity/locale/es/LC_MESSAGES/django.po"))
    missing = found - {e.msgid for e in ours if e.msgstr}
    assert not missing, f"untranslated for Spanish: {sorted(missing)[:10]}"


def test_the_map_draws_streets_from_the_address_list_and_names_a_point(client, city):
    from django.db.models import Count

    busiest = Address.objects.values("street").annotate(n=Count("id")).order_by("-n")[0]
    streets = client.get("/311/map/streets.geojson").json()["features"]
    named = {f["properties"]["name"].lower(): f["geometry"]["coordinates"] for f in streets}
    assert busiest["street"].lower() in named
    (lon1, lat1), (lon2, lat2) = named[busiest["street"].lower()]
    on_street = Address.objects.filter(street=busiest["street"])
    # The segment spans the street's addresses (within a block's width of them).
    assert min(lon1, lon2) - 0.002 <= min(a.lon for a in on_street)
    assert max(lat1, lat2) + 0.002 >= max(a.lat for a in on_street)
    near = client.get("/311/map/nearest.json", {"lat": city.lat, "lon": city.lon})
    assert near.json() == {"address": str(city)}
    assert client.get("/311/map/nearest.json", {"lat": 0, "lon": 0}).json() == {"address": None}
    for bad in ({}, {"lat": "x", "lon": "1"}, {"lat": "nan", "lon": "1"}, {"lat": "91", "lon": 0}):
        answer = client.get("/311/map/nearest.json", bad)
        assert answer.status_code == 400 and "error" in answer.json()
