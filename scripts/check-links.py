#!/usr/bin/env python3
"""Checks the links of the built guide: every relative href/src in docs/*/book points at a file
that exists and, with a #fragment, at an id in that file. External links (http, https, mailto)
are not followed: the guide must work offline. Exit 1 with the broken links listed.

    python3 scripts/check-links.py [BOOK_DIR ...]      (default: docs/en/book docs/zh-CN/book)
"""
import html.parser
import os
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)
            if name in ("href", "src") and value:
                self.links.append(value)


def parse(path, cache):
    if path not in cache:
        p = Page()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        cache[path] = p
    return cache[path]


def check(book):
    broken, cache, pages = [], {}, 0
    for root, _, files in os.walk(book):
        for name in files:
            # 404.html uses site-absolute links for a web server; the offline book never shows it.
            if not name.endswith(".html") or name == "404.html":
                continue
            path = os.path.join(root, name)
            pages += 1
            for link in dict.fromkeys(parse(path, cache).links):
                url = urllib.parse.urlsplit(link)
                if url.scheme or link.startswith("//"):
                    continue
                target = path if not url.path else os.path.normpath(
                    os.path.join(root, urllib.parse.unquote(url.path)))
                if os.path.isdir(target):
                    target = os.path.join(target, "index.html")
                if not os.path.exists(target):
                    broken.append(f"{path}: {link} (no {target})")
                    continue
                if url.fragment and target.endswith(".html"):
                    if urllib.parse.unquote(url.fragment) not in parse(target, cache).ids:
                        broken.append(f"{path}: {link} (no id {url.fragment!r} in {target})")
    return pages, broken


def main():
    books = sys.argv[1:] or ["docs/en/book", "docs/zh-CN/book"]
    failed = False
    for book in books:
        if not os.path.isfile(os.path.join(book, "index.html")):
            print(f"{book}: not built (run mdbook build first)")
            failed = True
            continue
        pages, broken = check(book)
        print(f"{book}: {pages} pages, {len(broken)} broken links")
        for b in broken:
            print("  " + b)
        failed |= bool(broken)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
