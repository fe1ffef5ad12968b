"""Words the admin shows that Django's and django-axes' Chinese catalogs do not translate.

Marked here so they are in Studio's catalogs (LOCALE_PATHS come first) and the admin reads
in Chinese throughout. Nothing imports this module; extraction reads it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

ADMIN_TEXTS = (
    # The index's hidden column headings (admin/app_list.html).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes' models (it has no Chinese catalog).
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)
