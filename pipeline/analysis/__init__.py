"""Analysis: the statistics the packs judge a measure's series by.

``spc`` (XmR charts and Making Data Count rules, profiles ``mdc`` and ``ptd``) and ``oba``
(Outcomes-Based Accountability: areas of concern, forecasts, has the curve turned).  Plain
numbers in, plain results out: nothing here reads the warehouse or renders.
"""
