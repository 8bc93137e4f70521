"""A real OpenID Connect provider for the single sign-on tests: django-oauth-toolkit, in its
own process with its own SQLite database (see process.py)."""
