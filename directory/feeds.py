"""An Atom feed of newly published offers, per site language (``/<language>/feeds/new/``).

Feed readers, the district's own website or a newsletter tool can follow what is
new. Only public, current offers appear, newest first publication first; titles
and summaries are in the feed's language where translated, else in German with
the entry's language said so. Django's syndication framework writes and escapes
the XML: offers' texts only ever go in as text.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .i18n import active_language, text_in
from .models import OfferPage

FEED_SIZE = 50


class NewOffersFeed(Feed):
    """The most recently published offers."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return _("New offers")

    def subtitle(self) -> str:
        return _("Offers for newcomers in this district, newest first.")

    def link(self) -> str:
        return f"/{active_language()}/angebote/"

    def feed_url(self) -> str:
        return self.request.path

    def items(self) -> list[OfferPage]:
        return list(
            OfferPage.objects.public_current()
            .exclude(first_published_at=None)
            .select_related("organisation")
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: OfferPage) -> str:
        return text_in(item, "title", active_language()).value

    def item_description(self, item: OfferPage) -> str:
        return text_in(item, "summary", active_language()).value

    def item_link(self, item: OfferPage) -> str:
        return item.get_url(self.request)

    def item_guid(self, item: OfferPage) -> str:
        return f"offer-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: OfferPage):
        return item.first_published_at

    def item_updateddate(self, item: OfferPage):
        return item.last_published_at

    def item_author_name(self, item: OfferPage) -> str | None:
        owner = item.organisation
        return text_in(owner, "title", active_language()).value if owner else None
