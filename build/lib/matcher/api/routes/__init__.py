"""The JSON API routers, one module per feature; thin, the work is in the feature services."""
