"""Public views of the directory beyond Wagtail's pages: submitting, owning, reporting, accounts."""
