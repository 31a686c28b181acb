# SPDX-License-Identifier: Apache-2.0
"""Django settings of the Horizon that tests/horizon/run serves: Debian's own, pointed at the stack."""
import os

from openstack_dashboard.settings import *  # noqa: F401,F403

OPENSTACK_KEYSTONE_URL = os.environ["JUMPGATE_HORIZON_KEYSTONE_URL"]
ALLOWED_HOSTS = ["127.0.0.1"]
SECRET_KEY = os.environ["JUMPGATE_HORIZON_SECRET_KEY"]
# Sessions live in the cache; Debian's local-memory cache is one per uWSGI process, so a request
# served by another process than the login's would find no session and send the browser back to log in.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["JUMPGATE_HORIZON_CACHE"],
    }
}
