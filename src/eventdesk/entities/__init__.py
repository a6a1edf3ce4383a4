"""Actors: who the people, organisations, states and groups in an article are.

:class:`ActorDictionary` (data in ``eventdesk/data/actors``) says what a name, demonym, capital
or role phrase stands for; :class:`ActorLinker` (``eventdesk.actors.v1``) resolves the entities of
an article against it, adds the actor mentions NER misses and links later short mentions to the
full ones; :func:`resolve_actor` turns any character span (an event's subject or object) into an
:class:`~eventdesk.types.Actor`.
"""

from __future__ import annotations

from .dictionary import ENV_VAR, ActorDictionary, ActorInfo, actor_dictionary
from .linker import ActorLinker, resolve_actor

__all__ = [
    "ENV_VAR",
    "ActorDictionary",
    "ActorInfo",
    "ActorLinker",
    "actor_dictionary",
    "resolve_actor",
]
