"""The simulated member of bench/load.py: logs in once, then walks the main pages with 1-3 s of thinking between.

`python -m bench.load` sets up the production server and runs this in-process. It also runs on its own, from the
checkout, against a gunicorn already running with BEHIND_TLS_PROXY=1 (the client plays nginx), with the members
and their password in the environment:

    PYTHONPATH=. KAFFEBRO_LOAD_MEMBERS=mette@kaffebro.example,henrik@kaffebro.example KAFFEBRO_LOAD_PASSWORD=… \\
        .venv/bin/locust --headless -u 50 -r 10 -t 5m --host http://127.0.0.1:8000 -f bench/locustfile.py

Every request is named "<group> | <kind>", so the figures come out per page group and per kind (page, path
search, login). A request counts as an error unless it answers 200 (302 for the log-in).
"""

from __future__ import annotations

import itertools
import os
import threading

from locust import HttpUser, between, task
from locust.exception import StopUser

from bench.load import LOGIN, PROXY_HEADERS, REQUEST_TIMEOUT, Request, Walk, log_in


class Member(HttpUser):
    wait_time = between(1, 3)
    emails: list[str] = [email for email in os.environ.get("KAFFEBRO_LOAD_MEMBERS", "").split(",") if email]
    password = os.environ.get("KAFFEBRO_LOAD_PASSWORD", "")
    _numbers = itertools.count()
    _lock = threading.Lock()

    @classmethod
    def configure(cls, emails: list[str], password: str) -> None:
        cls.emails, cls.password, cls._numbers = list(emails), password, itertools.count()

    def on_start(self) -> None:
        """Each simulated member is another member while there are enough of them; then they log in twice."""
        with self._lock:
            self.number = next(self._numbers)
        self.walk = Walk(number=self.number)
        email = self.emails[self.number % len(self.emails)]
        logged_in = log_in(
            self.client,
            self.host or "",
            email,
            self.password,
            page={"name": f"login page | {LOGIN}"},
            form={"name": f"login | {LOGIN}"},
        )
        if not logged_in:
            self.environment.events.request.fire(
                request_type="POST",
                name=f"login | {LOGIN}",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"log-in refused for member {self.number}"),
            )
            raise StopUser()

    @task
    def browse(self) -> None:
        for request in self.walk.next():
            self._get(request)

    def _get(self, request: Request) -> None:
        headers = {**PROXY_HEADERS, **({"HX-Request": "true"} if request.htmx else {})}
        with self.client.get(
            request.path,
            headers=headers,
            name=f"{request.group} | {request.kind}",
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")
                return
            self.walk.learn(request, response.text)
