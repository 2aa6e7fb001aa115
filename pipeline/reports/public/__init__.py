"""The partnership's public site: static pages anyone can read, with stricter disclosure rules.

``disclosure`` (what a public number may show: primary and secondary suppression, rounding),
``figures`` (the measures as the public pages show them, suppressed once for every page),
``svg`` (charts with a title, a description, a text summary and a table) and ``site``
(the pages, written atomically to ``<data>/public/``).
"""
