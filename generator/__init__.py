"""Wanjia (万家): a knowledge base and static-site generator for rural legal outreach."""
import os

__version__ = "0.1.0"

# MkDocs 1.6 prints a banner about MkDocs 2 on every run; our users cannot act on it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
