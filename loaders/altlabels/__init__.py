"""Our alternative labels for upstream concepts, one YAML file per initiative (package data)."""
