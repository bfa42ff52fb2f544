"""Start the dashboard: `python -m gi_analytics.app [streamlit options]`, i.e. `streamlit run app.py` with
Streamlit's old mode for a `pages/` folder switched off before the first visitor connects.

Under a plain `streamlit run app.py` the server's first session starts in that mode: English file names as the
navigation, and a "Page not found" dialog for a shared link such as /compare, until app.py's st.navigation
takes over (see ui.route_through_app). Setting the flag first means no visitor ever sees it. It runs from the
project folder, so that the project's .streamlit/config.toml (listen on 127.0.0.1 only) applies wherever it is
started from.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[3] / "app.py"


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    os.chdir(APP.parent)
    cli.main(["run", str(APP), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
