"""Django's own interface strings that its Russian catalog does not translate yet.

Listed here so that ``makemessages`` copies them into Vigil's catalog, which Django reads
before its own: the blank choice of every select ("- Select an option -") and the back
office's date filter ("Filter by …").  Nothing imports this module; it only carries strings.
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("No %s matches the given query."),
)
