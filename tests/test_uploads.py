"""Residents' photos: decoded and written again with nothing but pixels, kept private until a
311 agent publishes them, and served only as the image they are."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safercity.core.actors import command_actor
from safercity.core.models import Address
from safercity.core.roles import Role
from safercity.core.uploads import PhotoRefused, photo_clean
from safercity.demo.services import demo_load
from safercity.service311.models import ServiceRequest
from safercity.service311.services import api_key_create
from tests.conftest import make_user
from tests.images import GIF_HEADER_ONLY, gif_with_page_appended, phone_photo, png

BASE = "/open311/v2"


def _decoded(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_phone_photo_loses_its_camera_gps_and_comment_and_keeps_its_pixels():
    clean = photo_clean(phone_photo())
    data = clean.file.read()
    picture = _decoded(data)
    assert picture.format == "JPEG" and clean.mime == "image/jpeg" and picture.size == (64, 48)
    assert dict(picture.getexif()) == {}, "no EXIF at all: no make, no GPS, no orientation"
    assert b"PhoneCo" not in data and b"1200 Market" not in data
    assert "comment" not in picture.info and "icc_profile" not in picture.info
    red, _, blue = picture.getpixel((60, 40))
    assert red > 150 and blue < 80, "the picture itself is still there"


def test_a_sideways_photo_is_stored_upright():
    clean = photo_clean(phone_photo(size=(64, 48), orientation=6))  # rotate 90 degrees
    picture = _decoded(clean.file.read())
    assert picture.size == (48, 64) and dict(picture.getexif()) == {}


def test_the_stored_name_is_generated_whatever_the_sender_called_it():
    first, second = photo_clean(png()), photo_clean(png())
    assert first.file.name != second.file.name
    assert str(first.file.name).endswith(".jpg") and len(str(first.file.name)) == 36
    assert photo_clean(png(transparent=True)).mime == "image/png", "transparency is kept"


def test_a_gif_with_a_page_appended_is_cleaned_and_a_gif_header_alone_is_refused():
    clean = photo_clean(gif_with_page_appended())
    data = clean.file.read()
    assert b"<script>" not in data and data[:3] == b"\xff\xd8\xff"
    with pytest.raises(PhotoRefused, match="could not be read"):
        photo_clean(GIF_HEADER_ONLY)
    with pytest.raises(PhotoRefused, match="JPEG, PNG, GIF or WebP"):
        photo_clean(b"<svg onload=alert(1)>")


def test_a_picture_too_large_to_decode_safely_is_refused_before_decoding():
    # A PNG header that claims 100,000 x 100,000 pixels: refused from its header alone.
    out = io.BytesIO()
    Image.new("1", (1, 1)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    with pytest.raises(PhotoRefused):
        photo_clean(bytes(data))


def test_a_huge_photo_is_kept_at_a_sensible_size():
    picture = _decoded(photo_clean(png(size=(4000, 1000))).file.read())
    assert picture.size == (2560, 640)


@pytest.fixture
def city(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(actor=command_actor("tests"), scale=0.002, with_staff=False)
    return Address.objects.exclude(neighborhood=None).first()


def _report_with_photo(client, city, data, name="hole.jpg"):
    return client.post(
        "/311/report/POTHOLE/",
        {
            "address": f"{city.house_number} {city.street}",
            "attribute_SIZE": "large",
            "photo": SimpleUploadedFile(name, data, content_type="image/jpeg"),
        },
    )


@pytest.mark.django_db
def test_a_residents_photo_is_private_until_an_agent_publishes_it(client, city):
    response = _report_with_photo(client, city, phone_photo(), name="../../evil.html")
    assert response.status_code == 302
    item = ServiceRequest.objects.get()
    assert item.media_review == "pending" and item.media.name.startswith("311/")
    assert "evil" not in item.media.name and item.media.name.endswith(".jpg")
    public_url = f"/media/{item.media.name}"

    # The resident, on the private link the form sent them to, sees the photo.
    status_page = client.get(response["Location"]).content.decode()
    assert f"/311/requests/{item.token}/photo/" in status_page
    own = client.get(f"/311/requests/{item.token}/photo/")
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert own["X-Content-Type-Options"] == "nosniff"
    # Nobody else does: not at /media/, not in the feed, not on the page by number.
    assert client.get(public_url).status_code == 404
    [listed] = client.get(f"{BASE}/requests.json").json()
    assert listed["media_url"] is None
    assert "/photo/" not in client.get(f"/311/requests/{item.pk}/").content.decode()

    agent = make_user("ana", Role.AGENT_311)
    client.force_login(agent)
    detail = client.get(f"/staff/311/requests/{item.pk}/").content.decode()
    assert "Publish photo" in detail and f"/staff/311/requests/{item.pk}/photo/" in detail
    assert client.get(f"/staff/311/requests/{item.pk}/photo/").status_code == 200
    assert (
        client.post(f"/staff/311/requests/{item.pk}/media/", {"decision": "publish"}).status_code
        == 302
    )
    client.logout()
    [listed] = client.get(f"{BASE}/requests.json").json()
    assert listed["media_url"].endswith(item.media.name)
    served = client.get(public_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "sandbox" in served["Content-Security-Policy"]
    assert b"PhoneCo" not in b"".join(served.streaming_content)


@pytest.mark.django_db
def test_a_photo_an_agent_will_not_publish_is_deleted(
    client, city, django_capture_on_commit_callbacks
):
    _report_with_photo(client, city, phone_photo())
    item = ServiceRequest.objects.get()
    stored = item.media.path
    client.force_login(make_user("ana", Role.AGENT_311))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            f"/staff/311/requests/{item.pk}/media/", {"decision": "reject", "reason": "a face"}
        )
    assert answer.status_code == 302
    item.refresh_from_db()
    assert item.media_review == "rejected" and not item.media
    assert not Path(stored).exists(), "the file is gone from the disk"
    assert (
        "Photo not published. a face"
        in client.get(f"/staff/311/requests/{item.pk}/").content.decode()
    )
    assert client.post(f"/staff/311/requests/{item.pk}/media/", {}).status_code == 400


@pytest.mark.django_db
def test_only_agents_review_photos(client, city):
    _report_with_photo(client, city, phone_photo())
    item = ServiceRequest.objects.get()
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get(f"/staff/311/requests/{item.pk}/photo/").status_code == 403
    assert (
        client.post(f"/staff/311/requests/{item.pk}/media/", {"decision": "publish"}).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.media_review == "pending"


@pytest.mark.django_db
def test_the_api_refuses_a_gif_header_in_front_of_a_page_and_links_that_are_not_http(client, city):
    key = api_key_create(actor=command_actor("tests"), name="client")
    where = {"lat": city.lat, "long": city.lon, "service_code": "STREETLIGHT", "api_key": key}
    page = SimpleUploadedFile("x.html", GIF_HEADER_ONLY, content_type="text/html")
    refused = client.post(f"{BASE}/requests.json", {**where, "media": page})
    assert refused.status_code == 400 and "media" in refused.json()[0]["description"]
    for bad in ("javascript:alert(1)", "data:text/html,<script>", "ftp://x/y", "http://a b"):
        answer = client.post(f"{BASE}/requests.json", {**where, "media_url": bad})
        assert answer.status_code == 400, bad
        assert "media_url" in answer.json()[0]["description"]
    linked = client.post(f"{BASE}/requests.json", {**where, "media_url": "https://x.org/a.jpg"})
    assert linked.status_code == 201
    [listed] = client.get(f"{BASE}/requests.json").json()
    assert listed["media_url"] is None, "a link is published after review too"
    assert ServiceRequest.objects.count() == 1
