"""`dashkit serve URL`: an admin for a database dashkit did not create, with no code.

`build_app(ServeOptions(url))` reflects the database, keeps dashkit's own state in a
separate database (a local SQLite file by default), and returns a ready App.
"""

from dashkit.serve.app import ServedApp, ServeOptions, build_app
from dashkit.serve.first_admin import issue_first_admin_link
from dashkit.serve.home import dashkit_home, default_state_url

__all__ = [
    "ServeOptions",
    "ServedApp",
    "build_app",
    "dashkit_home",
    "default_state_url",
    "issue_first_admin_link",
]
