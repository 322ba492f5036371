"""The I/O layer: reading tables and YAML, parsing foreign layouts, mappings, loading an engagement."""
