"""What a loaded Salve pipeline needs at inference; nothing here imports the tooling floors."""
