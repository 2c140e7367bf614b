"""Wanjia (万家): a knowledge base and static-site generator for rural legal outreach."""
import os

__version__ = "0.1.0"

# MkDocs 1.6 prints a banner about MkDocs 2 on every run; our users cannot act on it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def quiet_jieba(cache_dir):
    """Import jieba with its stderr chatter off and its dictionary cache in the project's cache
    (the default in /tmp is shared and may be foreign-owned, which leaves 9 MB temp files behind)."""
    import logging
    from pathlib import Path

    import jieba

    jieba.setLogLevel(logging.WARNING)
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(cache_dir)
    return jieba
