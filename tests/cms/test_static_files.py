"""Every `{% static %}` file a template names exists.

In production the manifest storage of whitenoise refuses a missing file with an error on every
page; the development server would only log a 404. So a missing stylesheet must fail a test.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


def test_every_static_reference_in_templates_exists():
    template_dirs = [Path(d) for engine in settings.TEMPLATES for d in engine["DIRS"]]
    references = {
        (path.name, name)
        for directory in template_dirs
        for path in directory.rglob("*.html")
        for name in STATIC_TAG.findall(path.read_text(encoding="utf-8"))
    }
    assert references, "expected the templates to reference static files"
    missing = sorted((template, name) for template, name in references if finders.find(name) is None)
    assert missing == []
