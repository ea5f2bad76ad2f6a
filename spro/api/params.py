"""Types shared by the parameters of every API operation.

`Text` is the one string type of query and path parameters: it refuses what PostgreSQL or UTF-8
cannot hold (a NUL character, a lone surrogate) with the API's usual 422 naming the parameter, before
any lookup. Lengths stay per parameter (`Query(max_length=...)`).
"""

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from spro.core.text import text_problem


def _readable(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise PydanticCustomError("text_unreadable", "{reason}", {"reason": problem})
    return value


Text = Annotated[str, AfterValidator(_readable)]
