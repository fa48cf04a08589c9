"""The archive path (issue 14): Dask extraction over many articles, cross-article deduplication into attacks,
ACLED-style tables, GeoJSON and a report with plots. Tooling above `salve.extraction`; the pipeline itself is
unchanged."""
