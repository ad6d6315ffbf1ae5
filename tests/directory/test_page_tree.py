"""Page-tree rules: which page type may be created under which, checked with Wagtail's helpers."""

from __future__ import annotations

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import HomePage, StandardPage
from directory.models import OfferIndexPage, OfferPage, OrganisationIndexPage, OrganisationPage
from tests.factories import make_site_tree

# The tree as the product needs it. ``Page`` is the tree's root (Wagtail's own, not creatable).
# A parent not listed for a type must refuse it; this is the whole matrix, not examples.
ALLOWED_CHILDREN: dict[type[Page], set[type[Page]]] = {
    Page: {HomePage},
    HomePage: {OfferIndexPage, OrganisationIndexPage, StandardPage},
    # Nested standard pages ("how to add an offer" with sub-pages) are allowed on purpose.
    StandardPage: {StandardPage},
    OfferIndexPage: {OfferPage},
    OfferPage: set(),
    OrganisationIndexPage: {OrganisationPage},
    OrganisationPage: set(),
}

CREATABLE_TYPES = [
    HomePage,
    StandardPage,
    OfferIndexPage,
    OfferPage,
    OrganisationIndexPage,
    OrganisationPage,
]


class PageTreeRulesTest(WagtailPageTestCase):
    """The allowed parent and child types of every page type of the site."""

    def test_every_parent_child_pair(self) -> None:
        """Each type may be created exactly under the parents the table names, nowhere else."""
        for parent, children in ALLOWED_CHILDREN.items():
            for child in CREATABLE_TYPES:
                with self.subTest(parent=parent.__name__, child=child.__name__):
                    if child in children:
                        self.assertCanCreateAt(parent, child)
                    else:
                        self.assertCanNotCreateAt(parent, child)

    def test_home_page_only_under_the_root(self) -> None:
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_holds_the_two_lists_and_standard_pages(self) -> None:
        self.assertAllowedSubpageTypes(
            HomePage, {OfferIndexPage, OrganisationIndexPage, StandardPage}
        )

    def test_lists_and_standard_pages_under_the_home_page(self) -> None:
        self.assertAllowedParentPageTypes(OfferIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(OrganisationIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})

    def test_offers_only_under_the_offer_list(self) -> None:
        self.assertAllowedParentPageTypes(OfferPage, {OfferIndexPage})
        self.assertAllowedSubpageTypes(OfferIndexPage, {OfferPage})

    def test_organisations_only_under_the_organisation_list(self) -> None:
        self.assertAllowedParentPageTypes(OrganisationPage, {OrganisationIndexPage})
        self.assertAllowedSubpageTypes(OrganisationIndexPage, {OrganisationPage})

    def test_nothing_under_an_offer_or_an_organisation(self) -> None:
        self.assertAllowedSubpageTypes(OfferPage, set())
        self.assertAllowedSubpageTypes(OrganisationPage, set())


class OneListPerHomeTest(WagtailPageTestCase):
    """A home page has one offer list and one organisation list: submissions go to "the" list."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.tree = make_site_tree()

    def test_a_second_list_cannot_be_added(self) -> None:
        home = self.tree.home
        self.assertFalse(OfferIndexPage.can_create_at(home))
        self.assertFalse(OrganisationIndexPage.can_create_at(home))
        # Only the lists are limited: more standard pages and more offers are fine.
        self.assertTrue(StandardPage.can_create_at(home))
        self.assertTrue(OfferPage.can_create_at(self.tree.offers))
        self.assertTrue(OrganisationPage.can_create_at(self.tree.organisations))
