"""Mirror the fixed taxonomy in ``directory.constants`` into its lookup tables.

The lists live in code (so labels are translated like every UI string) and in
small tables (so offers can be filtered by them with plain joins on any
database). Rows are added or updated, never deleted: an offer may still point
at a retired entry.
"""

from typing import Any

from .constants.categories import CATEGORIES
from .constants.languages import SPOKEN_LANGUAGES
from .constants.target_groups import TARGET_GROUPS


def sync_taxonomy(using: str = "default", **kwargs: Any) -> None:
    """Create or update one row per entry of each fixed list."""
    from .models import Category, SpokenLanguage, TargetGroup

    for position, (slug, _label, icon) in enumerate(CATEGORIES):
        Category.objects.using(using).update_or_create(
            slug=slug, defaults={"sort_order": position, "icon": icon}
        )
    for position, (slug, _label) in enumerate(TARGET_GROUPS):
        TargetGroup.objects.using(using).update_or_create(
            slug=slug, defaults={"sort_order": position}
        )
    for position, (code, _label, native) in enumerate(SPOKEN_LANGUAGES):
        SpokenLanguage.objects.using(using).update_or_create(
            code=code, defaults={"sort_order": position, "native_name": native}
        )
