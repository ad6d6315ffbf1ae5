"""URLs of the HSDS 3.0 API, included at ``hsds/`` outside the language prefix (cms.urls)."""

from django.urls import path, re_path

from . import hsds_api

urlpatterns = [
    path("", hsds_api.index, name="hsds-index"),
    path("openapi.json", hsds_api.openapi, name="hsds-openapi"),
    path("services", hsds_api.services, name="hsds-services"),
    path("services/<str:id>", hsds_api.service_detail, name="hsds-service"),
    path("organizations", hsds_api.organizations, name="hsds-organizations"),
    path("organizations/<str:id>", hsds_api.organization_detail, name="hsds-organization"),
    path("service_at_locations", hsds_api.service_at_locations, name="hsds-service-at-locations"),
    path(
        "service_at_locations/<str:id>",
        hsds_api.service_at_location_detail,
        name="hsds-service-at-location",
    ),
    path("locations", hsds_api.locations, name="hsds-locations"),
    path("locations/<str:id>", hsds_api.location_detail, name="hsds-location"),
    path("taxonomies", hsds_api.taxonomies, name="hsds-taxonomies"),
    path("taxonomies/<str:id>", hsds_api.taxonomy_detail, name="hsds-taxonomy"),
    path("taxonomy_terms", hsds_api.taxonomy_terms, name="hsds-taxonomy-terms"),
    path("taxonomy_terms/<str:id>", hsds_api.taxonomy_term_detail, name="hsds-taxonomy-term"),
    path("package.zip", hsds_api.package, name="hsds-package"),
    re_path(r"^(?P<path>.*)$", hsds_api.unknown_path),
]
