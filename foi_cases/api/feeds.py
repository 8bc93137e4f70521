"""The public disclosure log as an Atom feed: the published entries the public pages show."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from foi_cases.models import DisclosureLogEntry

FEED_ENTRIES = 50


class DisclosureLogFeed(Feed):
    feed_type = Atom1Feed
    description_template = "disclosure_log/_feed_entry.html"

    def title(self) -> str:
        return f"{settings.AUTHORITY_NAME}: FOI disclosure log"

    def subtitle(self) -> str:
        return "Responses to Freedom of Information requests, published for everyone."

    def link(self) -> str:
        return reverse("disclosure_log")

    def items(self) -> QuerySet[DisclosureLogEntry]:
        return (
            DisclosureLogEntry.objects.published()
            .select_related("case")
            .order_by("-published_at", "-pk")[:FEED_ENTRIES]
        )

    def item_title(self, item: DisclosureLogEntry) -> str:
        return f"{item.case.reference}: {item.title}"

    def item_link(self, item: DisclosureLogEntry) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: DisclosureLogEntry) -> dt.datetime:
        return item.published_at or timezone.make_aware(
            dt.datetime.combine(item.disclosed_on, dt.time())
        )

    def item_updateddate(self, item: DisclosureLogEntry) -> dt.datetime:
        return self.item_pubdate(item)
