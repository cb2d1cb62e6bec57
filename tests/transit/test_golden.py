"""Golden journeys on the real Jakarta feeds (a weekday, leaving at or arriving by 08:00): the
shape of the answer (routes, transfers, plausible durations, frequency-based legs said so),
not whole outputs."""

from __future__ import annotations

from sigap.transit.departures import next_departures
from sigap.transit.network import Timetable
from sigap.transit.raptor import Journey, Leg, arrive_by, depart_at

EIGHT = 8 * 3600
MINUTE = 60


def plan(table: Timetable, origin: str, destination: str, by: bool = False) -> list[Journey]:
    origins = dict.fromkeys(table.stops_of(origin), 0)
    targets = dict.fromkeys(table.stops_of(destination), 0)
    journeys = (arrive_by if by else depart_at)(table, origins, targets, EIGHT)
    assert journeys, f"no journey from {origin} to {destination}"
    return journeys


def feed_of(leg_stop: str | None) -> str:
    return (leg_stop or "").split(":", 1)[0]


def walks_between_feeds(journey: Journey) -> list[Leg]:
    return [
        leg
        for leg in journey.legs
        if leg.is_walk
        and leg.from_stop
        and leg.to_stop
        and feed_of(leg.from_stop) != feed_of(leg.to_stop)
    ]


def test_lebak_bulus_to_bundaran_hi_is_one_mrt_ride_of_half_an_hour(jakarta: Timetable) -> None:
    fastest = plan(jakarta, "mrt:SLBB", "mrt:SBHI")[0]

    assert fastest.transfers == 0
    [ride] = fastest.rides
    assert ride.route == "mrt:MRTJ_NS"
    assert ride.stops == 12
    assert 25 * MINUTE <= ride.arrive - ride.depart <= 35 * MINUTE
    assert ride.depart - EIGHT <= 10 * MINUTE  # trains every 5-10 minutes in the morning
    assert not fastest.estimated  # the MRT publishes a timetable


def test_to_be_at_bundaran_hi_by_eight_leave_lebak_bulus_on_the_last_train_that_makes_it(
    jakarta: Timetable,
) -> None:
    journeys = plan(jakarta, "mrt:SLBB", "mrt:SBHI", by=True)
    latest = journeys[0]

    assert latest.transfers == 0
    [ride] = latest.rides
    assert ride.route == "mrt:MRTJ_NS"
    assert ride.stops == 12
    assert EIGHT - 10 * MINUTE <= ride.arrive <= EIGHT
    assert latest.depart == ride.depart
    assert 25 * MINUTE <= ride.arrive - ride.depart <= 35 * MINUTE
    assert not latest.estimated
    # the latest: leaving then, depart-at finds that train; a second after the front's last
    # departure, nothing arrives by eight
    origins = dict.fromkeys(jakarta.stops_of("mrt:SLBB"), 0)
    targets = dict.fromkeys(jakarta.stops_of("mrt:SBHI"), 0)
    assert depart_at(jakarta, origins, targets, latest.depart)[0].arrive == ride.arrive
    later = depart_at(jakarta, origins, targets, journeys[-1].depart + 1)
    assert min(j.arrive for j in later) > EIGHT


def test_blok_m_to_kota_on_corridor_1_says_every_n_minutes(jakarta: Timetable) -> None:
    direct = plan(jakarta, "tj:H00014P", "tj:H00275P")[0]

    assert direct.transfers == 0
    [ride] = direct.rides
    assert ride.route == "tj:1"
    assert jakarta.index[ride.from_stop or ""] in jakarta.stops_of("tj:H00014P")
    assert ride.stops >= 15
    assert ride.headway == 400  # frequencies.txt, exact_times=0
    assert direct.estimated
    assert 45 * MINUTE <= direct.arrive - direct.depart <= 95 * MINUTE


def test_mrt_then_transjakarta_changes_by_walking_between_their_stations(
    jakarta: Timetable,
) -> None:
    journeys = plan(jakarta, "mrt:SLBB", "tj:H00275P")
    changing = [j for j in journeys if [feed_of(r.route) for r in j.rides][:2] == ["mrt", "tj"]]

    assert changing, journeys
    first = changing[0]
    [walk] = [w for w in walks_between_feeds(first) if feed_of(w.from_stop) == "mrt"]
    assert jakarta.names[jakarta.index[walk.to_stop or ""]].startswith(
        ("Bundaran HI", "Dukuh Atas", "Tosari", "Blok M")
    )
    assert 0 < walk.arrive - walk.depart <= 10 * MINUTE
    assert first.rides[1].headway is not None
    assert 60 * MINUTE <= first.arrive - first.depart <= 100 * MINUTE


def test_bogor_to_monas_walks_from_the_krl_station_to_the_busway(jakarta: Timetable) -> None:
    fastest = plan(jakarta, "krl:KRL-BGR", "tj:H00131P")[-1]

    assert feed_of(fastest.rides[0].route) == "krl"
    walk = walks_between_feeds(fastest)[0]
    assert (feed_of(walk.from_stop), feed_of(walk.to_stop)) == ("krl", "tj")
    assert MINUTE <= walk.arrive - walk.depart <= 10 * MINUTE
    assert 60 * MINUTE <= fastest.arrive - fastest.depart <= 120 * MINUTE


def test_every_journey_is_on_the_front(jakarta: Timetable) -> None:
    """More transfers only when they arrive strictly earlier."""
    journeys = plan(jakarta, "krl:KRL-BKS", "mrt:SBHI")

    transfers = [j.transfers for j in journeys]
    arrivals = [j.arrive for j in journeys]
    assert transfers == sorted(set(transfers))
    assert arrivals == sorted(arrivals, reverse=True)
    assert len(set(arrivals)) == len(arrivals)


def test_the_board_at_blok_m_says_every_n_minutes_and_lebak_bulus_gives_train_times(
    jakarta: Timetable,
) -> None:
    busway = next_departures(jakarta, "tj:H00014P", EIGHT, n=20)
    [corridor] = [d for d in busway if (d.route, d.headsign) == ("tj:1", "Kali Besar Barat")]
    assert (corridor.time, corridor.headway, corridor.trip) == (EIGHT, 400, None)
    assert corridor.until is not None
    assert corridor.until > 20 * 3600
    lines = [(d.route, d.headsign, d.headway) for d in busway]
    assert len(lines) == len(set(lines))  # one line a frequency, not its expanded trips

    trains = next_departures(jakarta, "mrt:SLBB", EIGHT, n=5)
    times = [d.time for d in trains]
    assert len(trains) == 5
    assert all(d.headway is None and d.trip for d in trains)
    assert times == sorted(times)
    assert EIGHT <= times[0] <= EIGHT + 10 * MINUTE
