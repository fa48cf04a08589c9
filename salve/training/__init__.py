"""Training, cross-validation, the rule baseline pipeline and packaging."""
