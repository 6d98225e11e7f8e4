"""HTTP: resources, middleware and the error envelope. Translates requests into domain calls."""
