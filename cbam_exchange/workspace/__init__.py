"""The importer's workspace: supplier submissions collected into SQLite, and the annual declaration built on them."""
