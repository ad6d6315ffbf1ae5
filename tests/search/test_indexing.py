"""The indexes follow moderation: publish, edit, unpublish, move, delete; rebuild and check."""

import io
import logging
import socket
import threading

import pytest
from django.core.management import call_command
from wagtail.models import PageViewRestriction

from directory.models import OfferPage
from search import elastic_connection, elastic_index
from search.interface import search
from search.models import OfferTerm, PendingIndexUpdate
from search.query import OfferQuery
from tests.factories import make_offer

pytestmark = pytest.mark.django_db
# A summary that says nothing about cafés or languages, so a retitled offer is not
# found by meaning or by the thesaurus under its old title.
NEUTRAL = "Jeden Dienstag im Gemeindehaus."


def found(text: str) -> list[str]:
    return [hit.offer.title_de for hit in search(OfferQuery(text=text)).hits]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block's on-commit callbacks (the index updates) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_publish_edit_unpublish_delete(backend, site_tree, committed):
    with committed():
        offer = make_offer(site_tree, "Sprachcafé", summary_de=NEUTRAL, summary=NEUTRAL)
    assert found("Sprachcafé") == ["Sprachcafé"]

    # A draft of an edit changes nothing public…
    offer.title_de = offer.title = "Schachabend"
    with committed():
        offer.save_revision()
    assert found("Sprachcafé") == ["Sprachcafé"] and found("Schachabend") == []
    # …publishing it does.
    with committed():
        offer.get_latest_revision().publish()
    assert found("Schachabend") == ["Schachabend"] and found("Sprachcafé") == []

    with committed():
        offer.unpublish()
    assert found("Schachabend") == []

    with committed():
        offer.get_latest_revision().publish()
    assert found("Schachabend") == ["Schachabend"]
    with committed():
        OfferPage.objects.get(pk=offer.pk).delete()
    assert found("Schachabend") == []
    assert not OfferTerm.objects.filter(offer_id=offer.pk).exists()


def test_draft_never_reaches_the_index(backend, site_tree, committed):
    with committed():
        make_offer(site_tree, "Offener Entwurf")
        draft = make_offer(site_tree, "Geheimer Entwurf", publish=False)
    assert found("Entwurf") == ["Offener Entwurf"]
    assert not OfferTerm.objects.filter(offer_id=draft.pk).exists()
    if backend == "elasticsearch":
        assert draft.pk not in elastic_index.indexed_ids()


def test_private_offer_leaves_the_index_when_moved_under_a_restriction(
    backend, site_tree, committed
):
    from directory.models import OfferIndexPage

    with committed():
        offer = make_offer(site_tree, "Interner Kurs")
        hidden = site_tree.home.add_child(
            instance=OfferIndexPage(title="Intern", title_de="Intern", slug="intern")
        )
        PageViewRestriction.objects.create(page=hidden, restriction_type="login")
        offer.move(hidden, pos="last-child")
    assert found("Interner") == []


def test_renaming_an_organisation_reindexes_its_offers(backend, site_tree, committed):
    with committed():
        offer = make_offer(site_tree, "Sprachcafé")
        organisation = offer.organisation
        organisation.title_de = organisation.title = "Caritas Schongau"
        organisation.save_revision().publish()
    assert found("Caritas Schongau") == ["Sprachcafé"]


def test_check_and_rebuild_commands(backend, site_tree, committed):
    with committed():
        make_offer(site_tree, "Sprachcafé")
        lost = make_offer(site_tree, "Verlorenes Angebot")
    # Simulate an index that drifted: one offer's entries vanished.
    OfferTerm.objects.filter(offer_id=lost.pk).delete()
    if backend == "elasticsearch":
        elastic_index.delete_document(lost.pk)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("search_index", "check", stdout=out)
    assert "1 missing" in out.getvalue()
    assert str(lost.pk) in out.getvalue()

    out = io.StringIO()
    call_command("search_index", "rebuild", stdout=out)
    assert "docs/s" in out.getvalue()
    call_command("search_index", "check", stdout=io.StringIO())  # in step again: no exit
    assert found("Verlorenes") == ["Verlorenes Angebot"]


def test_rebuild_swaps_alias_without_downtime(use_elasticsearch, site_tree, committed):
    with committed():
        for n in range(30):
            make_offer(site_tree, f"Kurs {n}")
    old_index = elastic_index.ensure_index()
    seen_during_rebuild = []

    def search_while_rebuilding(done: int) -> None:
        seen_during_rebuild.append(search(OfferQuery(text="Kurs", page_size=50)).count)

    from search.indexing import indexable_offers
    from search.management.commands.search_index import documents

    new_index, written, _seconds = elastic_index.rebuild(
        documents,
        lambda: set(indexable_offers().values_list("pk", flat=True)),
        progress=search_while_rebuilding,
        chunk_size=10,
    )
    assert written == 30 and new_index != old_index
    assert seen_during_rebuild == [30, 30, 30]  # the old index served meanwhile
    assert list(
        elastic_connection.client().indices.get_alias(name=elastic_connection.alias_name())
    ) == [new_index]
    assert not elastic_connection.client().indices.exists(index=old_index)
    assert search(OfferQuery(text="Kurs")).count == 30
    # Filled without refreshes, then refreshed as usual again once live.
    live_settings = elastic_connection.client().indices.get_settings(index=new_index)
    assert "refresh_interval" not in live_settings[new_index]["settings"]["index"]
    # Merged into one segment per shard before it went live (one vector graph to search).
    shards = elastic_connection.client().indices.segments(index=new_index)["indices"]
    for copies in shards[new_index]["shards"].values():
        assert [copy["num_search_segments"] for copy in copies] == [1]


def test_updates_during_rebuild_reach_the_new_index(use_elasticsearch, site_tree, committed):
    with committed():
        first = make_offer(site_tree, "Sprachcafé", summary_de=NEUTRAL, summary=NEUTRAL)
        gone = make_offer(site_tree, "Wird beendet")
    from search.documents import build_document
    from search.indexing import indexable_offers

    def documents():
        # The rebuild reads its documents first…
        snapshot = [build_document(o) for o in indexable_offers().order_by("pk")]
        # …then, while it writes, an editor publishes a change and unpublishes another offer.
        first.title_de = first.title = "Schachabend"
        with committed():
            first.save_revision().publish()
            gone.unpublish()
        yield from snapshot

    elastic_index.rebuild(documents, lambda: set(indexable_offers().values_list("pk", flat=True)))
    assert found("Schachabend") == ["Schachabend"]  # the stale copy did not win
    assert found("Sprachcafé") == []
    assert found("beendet") == []  # removed by the final reconciliation


class Proxy:
    """A TCP proxy to Elasticsearch that can be cut, like a node going down mid-run."""

    def __init__(self, target_host: str, target_port: int, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", port))  # port: back on the same
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass

    def stop(self) -> None:
        self.running = False
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for s in self.sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass


@pytest.mark.outage
def test_an_index_of_an_older_schema_is_not_searched_until_the_rebuild(
    use_elasticsearch, site_tree, committed, monkeypatch
):
    """After a deployment that changed the index's shape, the old index would silently
    find nothing: the database answers, /healthz and `check` say why, a rebuild ends it."""
    from search import elastic_index, health

    with committed():
        make_offer(site_tree, "Sprachcafé", slug="sprachcafe")
    current = elastic_index.SCHEMA
    monkeypatch.setattr(elastic_index, "SCHEMA", current - 1)
    call_command("search_index", "rebuild", stdout=io.StringIO())  # what the old code built
    monkeypatch.setattr(elastic_index, "SCHEMA", current)  # the new code is deployed
    elastic_index.forget_schema_check()

    found = search(OfferQuery(text="Sprachcafé"))
    assert found.backend == "database" and [h.offer.title_de for h in found.hits] == ["Sprachcafé"]
    assert health.engine_state()["state"] == "outdated"
    assert health.engine_state()["engine"] == "database"
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("search_index", "check", stdout=out)
    assert f"schema {current - 1}, this code needs {current}" in out.getvalue()
    assert "search_index rebuild" in out.getvalue()

    call_command("search_index", "rebuild", stdout=io.StringIO())
    assert search(OfferQuery(text="Sprachcafé")).backend == "elasticsearch"
    assert health.engine_state()["state"] in ("green", "yellow")
    call_command("search_index", "check", stdout=io.StringIO())  # in step: no exit


@pytest.mark.outage
def test_elasticsearch_outage_falls_back_to_the_database(
    use_elasticsearch, site_tree, committed, client, caplog
):
    from urllib.parse import urlsplit

    target = urlsplit(use_elasticsearch.ELASTICSEARCH_URL)
    proxy = Proxy(target.hostname, target.port)
    use_elasticsearch.ELASTICSEARCH_URL = f"http://127.0.0.1:{proxy.port}"
    with committed():
        make_offer(site_tree, "Sprachcafé", slug="sprachcafe")
    assert search(OfferQuery(text="Sprachcafé")).backend == "elasticsearch"

    proxy.stop()  # Elasticsearch is gone mid-run
    with caplog.at_level(logging.ERROR, logger="gemeinsam.search"):
        results = [search(OfferQuery(text="Sprachcafé")) for _ in range(3)]
        page = client.get("/de/angebote/", {"q": "Sprachcafé"})
        api = client.get("/api/v1/offers/", {"q": "Sprachcafé"})
    assert [r.backend for r in results] == ["database"] * 3
    assert [h.offer.title_de for h in results[0].hits] == ["Sprachcafé"]
    assert page.status_code == 200 and "Sprachcafé" in page.content.decode()
    assert api.status_code == 200 and api.json()["backend"] == "database"
    outage_logs = [r for r in caplog.records if "Elasticsearch failed" in r.getMessage()]
    assert len(outage_logs) == 1  # logged once per outage, not per search

    # Publishing during the outage still works; the update is queued for retry.
    with committed():
        later = make_offer(site_tree, "Schachabend")
    assert PendingIndexUpdate.objects.filter(offer_id=later.pk).exists()
    found = [h.offer.title_de for h in search(OfferQuery(text="Schachabend")).hits]
    assert found == ["Schachabend"]


@pytest.mark.outage
def test_search_is_back_on_elasticsearch_within_seconds_after_an_outage(
    use_elasticsearch, site_tree, committed
):
    """The whole engine goes away and comes back: the database answers meanwhile, and
    the first searches after its return are Elasticsearch's again (no 30 s back-off)."""
    import time
    from urllib.parse import urlsplit

    target = urlsplit(use_elasticsearch.ELASTICSEARCH_URL)
    proxy = Proxy(target.hostname, target.port)
    use_elasticsearch.ELASTICSEARCH_URL = f"http://127.0.0.1:{proxy.port}"
    with committed():
        cafe = make_offer(site_tree, "Sprachcafé")
    assert search(OfferQuery(text="Sprachcafé")).backend == "elasticsearch"
    proxy.stop()
    assert search(OfferQuery(text="Sprachcafé")).backend == "database"
    with committed():
        make_offer(site_tree, "Schachabend")  # published during the outage: queued
        cafe.summary_de = "Jetzt auch mit Kinderbetreuung."
        cafe.save_revision().publish()  # its indexed copy is now stale
    proxy = Proxy(target.hostname, target.port, port=proxy.port)
    back = time.monotonic()
    while search(OfferQuery(text="Sprachcafé")).backend != "elasticsearch":
        assert time.monotonic() - back < 5, "Elasticsearch is up, but searches still fall back"
        time.sleep(0.2)
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("search_index", "check", stdout=out)
    report = out.getvalue()
    assert "elasticsearch: 1 missing, 0 extra" in report and "elasticsearch: 1 stale" in report
    assert "search_index retry` to repair" in report
    call_command("search_index", "retry", stdout=io.StringIO())
    call_command("search_index", "check", stdout=io.StringIO())  # in step: no exit
    hits = search(OfferQuery(text="Schachabend"))
    assert hits.backend == "elasticsearch" and [h.offer.title_de for h in hits.hits] == [
        "Schachabend"
    ]
    proxy.stop()


def test_a_dead_node_named_first_does_not_send_searches_to_the_database(
    use_elasticsearch, site_tree, committed
):
    """ELASTICSEARCH_URL lists several nodes; the first is gone, the next one answers."""
    with committed():
        make_offer(site_tree, "Sprachcafé")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    working = use_elasticsearch.ELASTICSEARCH_URL
    use_elasticsearch.ELASTICSEARCH_URL = f"http://127.0.0.1:{dead}, {working}"
    results = [search(OfferQuery(text="Sprachcafé")) for _ in range(4)]
    assert [r.backend for r in results] == ["elasticsearch"] * 4
    assert [h.offer.title_de for h in results[-1].hits] == ["Sprachcafé"]


def _varied_offers(site_tree, count: int) -> list:
    """Offers with translations, several places, categories, languages, times and dates."""
    import datetime as dt

    second = {"name": "", "street": "", "postcode": "86971", "town": "Peiting"}
    second |= {"latitude": 47.7955, "longitude": 10.9295}
    offers = []
    for n in range(count):
        offers.append(
            make_offer(
                site_tree,
                f"Frauentreff {n}",
                title_fa=f"دورهمی زنان {n}" if n % 2 else "",
                summary_fa="گفتگو به زبان آلمانی" if n % 2 else "",
                description_de="<p>Mit <b>Kinderbetreuung</b> &amp; Kaffee.</p>",
                categories=("encounter-leisure", "language-education")[: 1 + n % 2],
                target_groups=("women", "everyone")[: 1 + n % 2],
                languages=("de", "fa", "ar")[: 1 + n % 3],
                slots=((n % 7, "09:00", "11:00"), (3, "18:00", "20:00")),
                dates=(dt.date(2031, 1, 1 + n),),
                places=(second,) if n % 3 == 0 else (),
            )
        )
    return offers


def test_documents_from_rows_equal_documents_from_pages(site_tree):
    """A rebuild reads plain rows (page_rows) and related rows in bulk; a publish reads
    the page: both must give the very same document."""
    from search.documents import build_document, build_documents, page_rows
    from search.indexing import indexable_offers

    offers = _varied_offers(site_tree, 4)
    from_rows = build_documents(page_rows(indexable_offers().order_by("pk")))
    from_pages = [build_document(OfferPage.objects.get(pk=o.pk)) for o in offers]
    assert [d.offer_id for d in from_rows] == [o.pk for o in offers]
    assert from_rows == from_pages
    fa = from_rows[1]
    assert "fa" in fa.languages and fa.card["titles"]["fa"] == "دورهمی زنان 1"
    assert {code for code, _native in fa.card["spoken"]} == {"de", "fa"}
    assert set(fa.categories) == {"encounter-leisure", "language-education"}
    assert [place[0] for place in from_rows[0].card["places"]] == ["Peiting"]
    assert fa.terms["fa"]["title"] and "frauentreff" in fa.terms["de"]["title"]


def test_building_documents_asks_the_database_a_fixed_number_of_times(
    site_tree, django_assert_max_num_queries
):
    """However many offers a batch holds: no query per offer (a rebuild of 100 000 would
    otherwise ask 100 000 times)."""
    from search.documents import build_documents, page_rows
    from search.indexing import indexable_offers

    _varied_offers(site_tree, 3)
    with django_assert_max_num_queries(10) as few:
        build_documents(page_rows(indexable_offers()))
    _varied_offers(site_tree, 9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(build_documents(page_rows(indexable_offers()))) == 12


def test_the_term_table_is_emptied_in_one_statement():
    """No receiver listens to every model's deletions: one would make Django load each
    row before deleting it (a rebuild's half a million term rows)."""
    from django.db.models.deletion import Collector

    assert Collector(using="default").can_fast_delete(OfferTerm.objects.all())


def test_rich_text_is_indexed_word_by_word(site_tree):
    """List items and paragraphs stay separate words; entities are text, not words."""
    from search.documents import build_document

    offer = make_offer(
        site_tree,
        "Nähcafé",
        description_de="<ul><li>Stoffe</li><li>Nadeln</li></ul><p>Kaffee &amp; Kuchen</p>",
    )
    text = build_document(OfferPage.objects.get(pk=offer.pk)).terms["de"]["text"]
    assert {"stoff", "nadel", "kaffe", "kuch"} <= set(text)
    assert not {"stoffenadeln", "stoffenadel", "amp"} & set(text)
