"""Synthetic feeds: a deterministic inbox for one local area, one module a feed.

The modules: ``calibration`` (the published figures it is sized to), ``common`` (random
streams, dates and identifiers as text, the timeline), one module a feed (``reference``,
``council_send``, ``school_census``, ``therapies``, ``nccis``, ``workforce``, ``programme``) and
``inbox``, the writer.

:func:`pipeline.synthetic.inbox.write_inbox` writes every delivery that ``FEEDS.md`` describes for one local area
(``council_send``, ``school_census``, ``therapies``, ``nccis``, ``workforce``, ``reference``), calibrated to the
published figures of Blackpool (LA 890, E06000009) and scaled by ``scale``.

How it works
------------
One source system is simulated once over the whole horizon: every child, request,
assessment, plan, placement, pupil and referral with the dates on which things really
happen. Each monthly extract is then written as the system would have shown it on its
extract date: later events are not known yet (a pending decision is ``A`` with a blank
date), planned dates may show a little ahead (``ceasedate``, ``leavingdate``,
``reviewmeeting``), and a plan issued before the extract's 36-month window sits under an
assessment with outcome ``H``. Table ids are fixed at simulation time, so a record keeps
its ids in every snapshot.

Deliveries carry the messiness a valid delivery may have: date columns mix the three
accepted forms value by value; extracts dated before April 2024 (``V12_FROM``) use the
SEN2 v1.1 layout (``gendercurrent``; ``res``/``wbp`` on ``activeplans``;
``attendancepattern``); ``establishments.csv`` is Windows-1252 with CRLF line ends and a
quoted name holding a comma; the therapy reports start with a UTF-8 BOM; and the autumn
census files name their columns in CBDS capitals (``UPN``, ``Census_Date``).

Randomness comes only from ``numpy.random.default_rng`` streams derived from the seed
and a fixed name per component, and from a keyed integer hash; the clock is never read.
The same arguments always give byte-identical files.

The calibration numbers are copied from open data (Crown copyright, Open Government
Licence v3.0) and each constant names the file it came from; nothing is read from the
reference folder at run time. Figures for years not yet published are projections made
here, marked as such.

Size and speed (2 cores): the default (``scale=1``, 36 months) takes about 4 s and
110 MB; ``scale=385, months=1`` (England: about 640,000 plans, 8 million pupils a census,
2.2 million referrals) about 2 minutes and 3 GB. Text is produced and written in chunks
of ``CHUNK_ROWS`` rows. Above ``scale`` of about 60 the LA's schools outgrow one LA's
establishment numbers and spill into made-up LA numbers (100 and up) in ``laestab`` and
the UPNs; ``la_code`` stays 890.
"""
