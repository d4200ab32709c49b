"""The core: model, validation, TOML store, git layer, query language. No Textual here."""
