"""Bulk-generated offers are real, valid, public pages."""

import pytest
from django.core.management import call_command
from wagtail.models import Page

from directory.models import OfferPage, OrganisationPage
from tests.factories import make_organisation

pytestmark = pytest.mark.django_db


def test_generate_offers_builds_a_valid_tree(site_tree, client):
    make_organisation(site_tree)
    before = OfferPage.objects.count()
    call_command("generate_offers", "--count", "2500", "--seed", "7", stdout=open("/dev/null", "w"))  # noqa: SIM115
    offers = OfferPage.objects.filter(slug__startswith="synthetic-7-")
    assert offers.count() == 2500 == OfferPage.objects.count() - before
    assert OrganisationPage.objects.filter(slug__startswith="synthetic-org-").count() == 12
    assert Page.find_problems() == ([], [], [], [], [])
    assert OfferPage.objects.public_current().count() == 2500
    sample = offers.order_by("?").first()
    assert sample.categories.exists() and sample.spoken_languages.filter(code="de").exists()
    assert sample.locations.get().postcode.isdigit()
    sample.full_clean()
    response = client.get(sample.url)
    assert response.status_code == 200
    assert sample.title in response.content.decode()
    # Pages added normally afterwards still get a free tree position.
    site_tree.offers.refresh_from_db()
    assert site_tree.offers.numchild == 2500
