"""Public transport: GTFS feeds read into one network, and journeys planned over it.

The layers, bottom up: :mod:`.gtfs` reads and validates a feed (a folder or a ``.zip``) into
plain records, every id namespaced by its feed so that several operators merge into one
network; :mod:`.schedule` picks the trips that run on a service day and expands
``frequencies.txt`` into trips, remembering which ones only promise a headway;
:mod:`.network` indexes a day's trips for RAPTOR (routes as stop sequences with their trips
sorted, footpaths between nearby stops, the flat arrays the rounds read); :mod:`.raptor`
answers a query with the journeys on the Pareto front of arrival (or, arriving by a time,
departure) time and transfers; :mod:`.departures` gives a stop's departures board. No
database and no HTTP here: storage and the API sit on top (docs/transit.md).
"""
