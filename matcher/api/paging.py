"""One way to page every list of the API: ``offset`` and ``limit`` in the query, and the page
as ``{items, total, limit, offset}``."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from matcher.bounds import INT32_MAX

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T] = Field(description="本页的条目")
    total: int = Field(description="符合条件的总条数（不分页）")
    limit: int = Field(description="本页最多条数，即请求的 limit")
    offset: int = Field(description="本页从第几条开始（从 0 起），即请求的 offset")


@dataclass(frozen=True, slots=True)
class PageRequest:
    offset: int
    limit: int

    def of(self, items: Sequence[T], total: int) -> Page[T]:
        """The page of ``items`` already cut to this request, out of ``total``."""
        return Page(items=list(items), total=total, limit=self.limit, offset=self.offset)

    def cut(self, items: Sequence[T]) -> Page[T]:
        """This request's page of a list held whole in memory."""
        return self.of(items[self.offset : self.offset + self.limit], len(items))


def page_request(
    offset: Annotated[int, Query(ge=0, le=INT32_MAX, description="跳过的条数（从 0 起）")] = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"本页最多条数（1–{MAX_LIMIT}）")
    ] = DEFAULT_LIMIT,
) -> PageRequest:
    """The query parameters of a page; the database counts rows in 32 bits."""
    return PageRequest(offset, limit)


Paging = Annotated[PageRequest, Depends(page_request)]
