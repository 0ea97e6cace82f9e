"""One OpenAPI enum name per choice set, taken from the model's Choices class.

drf-spectacular names an enum after the field that uses it ("StatusEnum"), and when two apps
use a field name for different choice sets it invents a name with a hash ("StatusA6aEnum")
and warns. Naming each set after its Choices class ("MeetingStatusEnum") is stable and never
clashes, so the schema stays warning-free as apps add choices.

`ChoiceClassEnumNames` is read by drf-spectacular as ENUM_NAME_OVERRIDES. It is a lazy
mapping: settings.py cannot import models, so the classes are collected on first use, once
the apps are loaded. No DRF or model import happens at import time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

PROJECT_APPS = ("core", "register", "notifications", "mappa", "victims")


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.split("_"))


class ChoiceClassEnumNames(Mapping[str, Any]):
    """{"<ClassName>Enum": <Choices class>} for every Choices class of the project's apps.

    A class name used in two apps is prefixed with its app ("NotificationsBreachOutcomeEnum");
    two classes with the same values and labels are one choice set, named after the first.
    `extra` names choice sets that are not classes (inline choices on a model field).
    """

    def __init__(self, extra: Mapping[str, Any] | None = None) -> None:
        self.extra = dict(extra or {})

    @cached_property
    def _names(self) -> dict[str, Any]:
        from django.db import models

        def subclasses(cls: type) -> Iterator[type]:
            for sub in cls.__subclasses__():
                yield sub
                yield from subclasses(sub)

        classes = sorted(
            {
                cls
                for cls in subclasses(models.Choices)
                if cls.__module__.split(".")[0] in PROJECT_APPS
            },
            key=lambda cls: f"{cls.__module__}.{cls.__qualname__}",
        )
        shared_names = {
            cls.__name__ for cls in classes if [c.__name__ for c in classes].count(cls.__name__) > 1
        }
        names: dict[str, Any] = {}
        seen: set[tuple[tuple[Any, str], ...]] = set()
        for cls in classes:
            choice_set = tuple((value, str(label)) for value, label in cls.choices)  # type: ignore[attr-defined]
            if choice_set in seen:
                continue
            seen.add(choice_set)
            app = cls.__module__.split(".")[0]
            prefix = _camel(app) if cls.__name__ in shared_names else ""
            names[f"{prefix}{cls.__name__}Enum"] = cls
        names.update(self.extra)
        return names

    def __getitem__(self, key: str) -> Any:
        return self._names[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)
