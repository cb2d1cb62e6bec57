"""Reports that name a transit route and stop (issue #26; docs/transit.md, "Reports").

A category asks for them with questions of the datatypes ``transit_route`` and
``transit_stop`` (the region pack's questions.csv or the admin console; at most one of each),
required or not as the question says. :func:`named` checks the answers against the network
the process plans on: a route and a stop it holds, and a stop the route serves (or its
station). A route's agency picks the unit (``transit_operators.csv``,
:func:`sigap.workflow.routing.responsible_unit`). The ids are stored in the report's
``transit_route`` and ``transit_stop`` columns (the lists filter on the first) and, as every
answer, in its ``attributes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sigap.errors import SigapError
from sigap.models.category import TRANSIT_DATATYPES
from sigap.regions.state import CategoryInfo, QuestionInfo
from sigap.reports import answers
from sigap.transit.state import Network

ID_MAX = 100  # the columns' width; no id of the network is longer (the API's paths say so)


@dataclass(frozen=True, slots=True)
class Named:
    """The route and stop a report names, checked, and the route's agency."""

    route: str | None
    stop: str | None
    agency: str | None


NOTHING = Named(None, None, None)


def asks(category: CategoryInfo) -> bool:
    """Whether the category asks for a route or a stop (only then is the network needed)."""
    return any(q.datatype in ("transit_route", "transit_stop") for q in category.questions)


def answered(
    category: CategoryInfo, attributes: Mapping[str, Any] | None
) -> tuple[str | None, str | None]:
    """The route and stop ids among the checked answers (None where not answered)."""
    route = stop = None
    for question in category.questions:
        value = (attributes or {}).get(question.code)
        if question.datatype == "transit_route" and value is not None:
            route = str(value)
        elif question.datatype == "transit_stop" and value is not None:
            stop = str(value)
    return route, stop


def named(
    category: CategoryInfo, attributes: Mapping[str, Any] | None, network: Network | None
) -> Named:
    """The route and stop of the answers, checked against ``network`` (None: no network was
    ever imported, so no route or stop is known)."""
    route_id, stop_id = answered(category, attributes)
    if route_id is None and stop_id is None:
        return NOTHING
    agency = None
    if route_id is not None:
        route = (
            None if network is None or len(route_id) > ID_MAX else network.feed.routes.get(route_id)
        )
        if route is None:
            raise SigapError("unknown_transit_route", route=route_id)
        agency = route.agency
    if stop_id is not None:
        # A stop or station where a route calls (an entrance or a node is not one).
        if network is None or len(stop_id) > ID_MAX or stop_id not in network.routes_at:
            raise SigapError("unknown_transit_stop", stop=stop_id)
        if route_id is not None and route_id not in network.routes_at.get(stop_id, ()):
            raise SigapError("transit_stop_not_on_route", stop=stop_id, route=route_id)
    return Named(route_id, stop_id, agency)


def route_name(network: Network | None, route_id: str) -> str:
    """A route as people know it: "NS Lin Utara-Selatan"; its id when the network lacks it."""
    route = network.feed.routes.get(route_id) if network is not None else None
    if route is None:
        return route_id
    return " ".join(part for part in (route.short_name, route.long_name) if part) or route_id


def stop_name(network: Network | None, stop_id: str) -> str:
    """A stop's name; its id when the network lacks it."""
    stop = network.feed.stops.get(stop_id) if network is not None else None
    return stop.name if stop is not None else stop_id


def name_of(network: Network | None, datatype: str, value: str) -> str:
    """The name of a transit answer (a route or a stop id)."""
    if datatype == "transit_route":
        return route_name(network, value)
    return stop_name(network, value)


def answer_text(question: QuestionInfo, value: Any, language: str, network: Network | None) -> str:
    """An answer as people read it, in every view: a transit route or stop by its name
    (``network``'s), any other answer as :func:`sigap.reports.answers.display` writes it."""
    if question.datatype in TRANSIT_DATATYPES:
        return name_of(network, question.datatype, str(value))
    return answers.display(question, value, language)
