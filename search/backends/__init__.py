"""Search backends of om-records (DESIGN.md "Search")."""
