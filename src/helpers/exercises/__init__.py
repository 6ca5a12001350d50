"""Question banks, one module per lesson; exercise notebooks bind them to the student's data.

>>> from helpers.exercises import welcome   # doctest: +SKIP
>>> ex = welcome.bind(company, globals())   # doctest: +SKIP
"""
