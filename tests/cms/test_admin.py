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
