"""The schema version written into every project file.

Bump it when a model change would make old files invalid, and add a migration
step in ``model/migrate.py`` that rewrites version N data into version N+1.
"""

SCHEMA_VERSION = 3
