"""Question banks, one module per lesson; exercise notebooks bind them to the student's data.

In a notebook::

    from helpers.exercises import welcome
    ex = welcome.bind(company, globals())
    ex.q1.check()
"""
