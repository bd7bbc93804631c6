"""Starts a Celery worker whose calls to X's API go to a fake platform on loopback (FAKE_X_URL).

`responses` cannot cross into another process, and the fault under test needs the platform to outlive
the worker it kills; so the worker's requests are redirected, and the test process plays the platform.
"""

import os
import sys

import requests

X_HOSTS = ("https://api.twitter.com", "https://api.x.com")


def _redirect_platform_calls() -> None:
    target = os.environ["FAKE_X_URL"].rstrip("/")
    original = requests.Session.request

    def request(self, method, url, *args, **kwargs):
        for host in X_HOSTS:
            if isinstance(url, str) and url.startswith(host):
                url = target + url[len(host) :]
        return original(self, method, url, *args, **kwargs)

    requests.Session.request = request


if __name__ == "__main__":
    _redirect_platform_calls()
    from celery.__main__ import main

    sys.argv = ["celery", *sys.argv[1:]]
    sys.exit(main())
