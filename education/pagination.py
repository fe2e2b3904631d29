"""Pagination that stays fast on deep pages of large lists."""

from django.db.models import QuerySet


class DeferredJoinList:
    """A queryset wrapper for Django's Paginator.

    A page is read in two steps: first only the ids of the page, which an index
    covering the filter and the ordering answers without touching the table
    rows (so OFFSET skips index entries, not rows with their joins), then those
    rows with their joins. Two queries per page, whatever the page number.
    """

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("DeferredJoinList supports slices only.")
        ids = list(self.queryset.values_list("pk", flat=True)[key])
        if not ids:
            return []
        return list(self.queryset.filter(pk__in=ids))
