# SPDX-License-Identifier: Apache-2.0
"""The WSGI entry of that Horizon: Debian's own wsgi.py names Debian's settings module, not ours."""
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "horizon_settings"
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
