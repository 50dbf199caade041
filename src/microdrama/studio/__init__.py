"""The studio: a local web app over a project folder, for people to review and edit what the
pipeline made (FastAPI, server-rendered pages, a little JavaScript where it helps)."""
