"""Sums and means of lists of numbers."""


def total(items):
    """Sum of the items."""
    return sum(items)


def mean(items):
    """Arithmetic mean; the mean of no items is 0."""
    if not items:
        return 0
    return total(items) / len(items)
