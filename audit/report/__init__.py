"""Renderers: they format a model and never compute anything of their own."""
