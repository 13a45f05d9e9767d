"""Loopback servers that answer like the real platform APIs, so the real client libraries run end to end.

Every fake follows one shape (see tests/fakes/base.py): ``with FakeX() as fake:`` starts a threaded
HTTP server on 127.0.0.1 (random port); ``fake.url`` is its base URL; ``fake.settings()`` returns
the ``[channels.<name>]`` settings (credentials and endpoint) that point the plugin at it;
``fake.published`` lists what was published; ``fake.fail_next(status, body=None, headers=None,
times=1)`` scripts failures (429 with the platform's rate-limit headers, 401, 403, 5xx, and
``status=0`` to drop the connection after reading the request); ``fake.delay`` holds every answer
back after the work is done (a client timeout with the post created).
"""
