"""The topic graph: building it from parsed documents, exporting it, laying it out."""
