"""The `salve` command line (typer)."""
