"""Moderators edit offers in the Wagtail admin, every language's fields side by side."""

import pytest

from tests.factories import make_offer

pytestmark = pytest.mark.django_db


def test_offer_edit_form_has_translated_fields_and_inlines(admin_client, site_tree):
    offer = make_offer(site_tree, "Sprachcafé")
    response = admin_client.get(f"/admin/pages/{offer.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("title_de", "title_ar", "summary_uk", "description_fa", "cost_note_ro"):
        assert f'name="{name}"' in html
    assert 'name="locations-0-postcode"' in html
    assert 'name="locations-0-transit_note_ar"' in html
    assert 'name="weekly_slots-0-weekday"' in html


def test_admin_add_offer_page_renders(admin_client, site_tree):
    response = admin_client.get(f"/admin/pages/add/directory/offerpage/{site_tree.offers.pk}/")
    assert response.status_code == 200


def test_image_uploaded_in_the_admin_loses_its_gps_exif(admin_client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cms.models import CustomImage
    from tests.factories import GPS_IFD, jpeg_with_gps

    response = admin_client.post(
        "/admin/images/add/",
        {
            "title": "Sprachcafé",
            "file": SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "people_consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = CustomImage.objects.get(title="Sprachcafé")
    assert image.people_consent
    with image.open_file() as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert not stored.getexif().get_ifd(GPS_IFD)
        assert not stored.getexif()
    assert (image.width, image.height) == (640, 480)


def test_admin_refuses_a_non_image_with_a_reason(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_client.post(
        "/admin/images/add/",
        {"title": "Brief", "file": SimpleUploadedFile("letter.jpg", b"%PDF-1.4 not a picture")},
    )
    from cms.models import CustomImage

    assert response.status_code == 200  # the form again, with the reason
    assert response.context["form"].errors["file"]
    assert not CustomImage.objects.filter(title="Brief").exists()
