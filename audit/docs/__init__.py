"""Generated documentation: the README's rule and config tables, the JSON Schemas."""
