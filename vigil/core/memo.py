"""Per-process memos: the one way Vigil keeps a computed answer for the life of a process.

A memo keeps what is costly to compute and depends only on its key and on the settings (an
address ``reverse`` gives, a keyring parsed from its setting, a signed cookie's value).  Each
is declared here with a name, what it keeps and its bound, so that the process's memory is
known and accounted for:

* ``ProcessMemo(name, keeps=..., bound=...)`` is a dictionary for code that fills it itself;
  when it holds ``bound`` entries the next new one empties it first (the entries are cheap to
  compute again, and a memo that fills up is being fed keys it was not meant for).
* ``@memoised(name, keeps=..., bound=...)`` remembers a function's result per arguments
  (``functools.lru_cache`` underneath, least recently used first out; ``bound=None`` only for
  a key set that cannot grow, such as a setting's value).
* A memo of its own shape subclasses ``Memo`` and calls ``register``: the bulletin's
  translation memory (``bulletin.memory_index``), bounded by the database it mirrors.

Every memo is emptied when a setting changes (Django's ``setting_changed``: tests that
override settings get fresh answers) and by ``clear_all()``, which the test suite calls
before each test, so no test sees what an earlier one left; except a memo declared with
``settings=False``, whose answer depends on nothing a setting or a test changes (the
system's list of time zones, 60 ms to read again).  ``registered()`` lists them all.

Not memos, and not here: registries filled at start-up (``core.personal_data``'s sources),
and values whose identity matters (``api.osdi.collection``: the API schema names each class
once), which clearing would break.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Callable, Iterator
from typing import Any

from django.core.signals import setting_changed


class Memo(abc.ABC):
    """What the registry knows of each memo."""

    name: str
    keeps: str
    bound: int | None
    #: False: kept through setting changes and ``clear_all`` (see the module's docstring).
    settings: bool = True

    @abc.abstractmethod
    def clear(self) -> None: ...

    @abc.abstractmethod
    def __len__(self) -> int: ...


_memos: dict[str, Memo] = {}


def register(memo: Memo) -> None:
    """Count a memo of its own shape (the bulletin's translation memory) among the rest."""
    # A module imported again (tests reload some) replaces its memo under the same name.
    _memos[memo.name] = memo


class ProcessMemo[K, V](Memo):
    """A named dictionary kept for the life of the process, at most ``bound`` entries."""

    bound: int

    def __init__(self, name: str, *, keeps: str, bound: int) -> None:
        self.name, self.keeps, self.bound = name, keeps, bound
        self._data: dict[K, V] = {}
        register(self)

    def get(self, key: K, default: V | None = None) -> V | None:
        return self._data.get(key, default)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __setitem__(self, key: K, value: V) -> None:
        data = self._data
        if key not in data and len(data) >= self.bound:
            data.clear()
        data[key] = value

    def pop(self, key: K, default: V | None = None) -> V | None:
        """Forget ``key`` (its source changed in this process)."""
        return self._data.pop(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()

    def __repr__(self) -> str:
        return f"<ProcessMemo {self.name}: {len(self)}/{self.bound}>"


class _FunctionMemo(Memo):
    """A function's ``lru_cache`` under the registry's name."""

    def __init__(
        self, name: str, keeps: str, bound: int | None, settings: bool, cached: Any
    ) -> None:
        self.name, self.keeps, self.bound, self._cached = name, keeps, bound, cached
        self.settings = settings
        register(self)

    def clear(self) -> None:
        self._cached.cache_clear()

    def __len__(self) -> int:
        return int(self._cached.cache_info().currsize)

    def __repr__(self) -> str:
        return f"<memoised {self.name}: {len(self)}/{self.bound}>"


def memoised[T](
    name: str, *, keeps: str, bound: int | None, settings: bool = True
) -> Callable[[Callable[..., T]], functools._lru_cache_wrapper[T]]:
    """Remember ``function``'s result per arguments (hashable) for the life of the process."""

    def decorate(function: Callable[..., T]) -> functools._lru_cache_wrapper[T]:
        cached = functools.lru_cache(maxsize=bound)(function)
        _FunctionMemo(name, keeps, bound, settings, cached)
        return cached

    return decorate


def registered() -> list[Memo]:
    return sorted(_memos.values(), key=lambda memo: memo.name)


def clear_all(**kwargs: object) -> None:
    """Empty every memo (also the ``setting_changed`` receiver, hence ``**kwargs``)."""
    for memo in list(_memos.values()):
        if memo.settings:
            memo.clear()


setting_changed.connect(clear_all, dispatch_uid="vigil.core.memo.clear_all")
