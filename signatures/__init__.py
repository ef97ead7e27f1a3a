"""Rule data (TOML) shipped as package data; loaded with importlib.resources."""
