"""Rendering of findings into the HTML evidence report (Jinja2 templates shipped as package data)."""
