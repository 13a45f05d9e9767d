"""assist's own templates (package data: installed as ``assistant.prompts``; see assistant/templates.py).

``share/<channel>.j2`` (else ``share/default.j2``) for post copy, ``outreach/<kind>.j2`` for emails.
A channel plugin ships its own template; a user overrides any of them in ``<config dir>/prompts/``.
"""
