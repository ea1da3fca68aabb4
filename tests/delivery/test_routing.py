"""The routing rule, with plain values: an alert of a kind about a company goes to a
channel only if the channel takes the kind ([notify] kinds, narrowed by the URL's own
kinds) and the tags allow it; the terminal and an alert about no company obey the
kinds too."""

from __future__ import annotations

from secondchance.config import Target
from secondchance.core.models import ALERT_KINDS, ChangeKind
from secondchance.core.watchlist import Company
from secondchance.delivery.channels import CONSOLE, Channel, channel_id, channels_of, route, takes

LOUD = "json://127.0.0.1:1/loud"
QUIET = "json://127.0.0.1:1/quiet"
PHONE = "json://127.0.0.1:1/phone"


def url(address: str, tags: frozenset[str] = frozenset(), *kinds: str) -> Channel:
    return Channel(
        channel_id(address), address, 1000, address, tags, kinds=frozenset(kinds or ALERT_KINDS)
    )


def company(*tags: str) -> Company:
    return Company("Acme", (), 1800.0, 0.0, tags=frozenset(tags))


def test_alert_kinds_are_the_change_kinds_in_their_order() -> None:
    assert tuple(kind.value for kind in ChangeKind) == ALERT_KINDS
    assert ALERT_KINDS[:2] == ("new", "closed")


def test_a_kind_goes_only_to_the_channels_that_take_it() -> None:
    loud = url(LOUD, frozenset(), "role_back")
    quiet = url(QUIET, frozenset(), *(k for k in ALERT_KINDS if k != "role_back"))

    assert route([loud, quiet], company(), "role_back") == [loud.id]
    assert route([loud, quiet], company(), "new") == [quiet.id]


def test_kinds_and_tags_must_both_allow_it() -> None:
    phone = url(PHONE, frozenset({"phone"}), "role_back")
    desk = url(QUIET, frozenset({"desk"}))

    assert route([phone, desk], company("phone"), "role_back") == [phone.id]
    # The tag matches, the kind does not: nowhere.
    assert route([phone, desk], company("phone"), "closed") == []
    assert route([phone, desk], company("desk"), "role_back") == [desk.id]
    # A company without tags goes to every URL that takes the kind.
    assert route([phone, desk], company(), "role_back") == [phone.id, desk.id]


def test_the_terminal_obeys_the_kinds_not_the_tags() -> None:
    console = Channel(CONSOLE, None, 1000, "terminal", kinds=frozenset({"role_back"}))

    assert takes(console, company("phone"), "role_back")
    assert not takes(console, company(), "closed")


def test_an_alert_about_no_company_is_routed_by_kind_only() -> None:
    # A rejected watchlist edit is about no company: a URL's tags do not hold it back.
    tagged = url(PHONE, frozenset({"phone"}))
    picky = url(LOUD, frozenset(), "role_back")

    assert route([tagged, picky], None, "config_rejected") == [tagged.id]


def test_a_kind_muted_everywhere_goes_to_no_channel() -> None:
    assert route([url(LOUD, frozenset(), "role_back")], company(), "changed") == []
    assert route([], company(), "new") == []


def test_channels_take_notify_kinds_narrowed_by_each_url_s_kinds() -> None:
    targets = [
        Target(LOUD, kinds=frozenset({"role_back", "closed"})),
        Target(QUIET),
    ]
    sent = {"role_back", "new", "reopened"}

    console, loud, quiet = channels_of(targets, console=True, sent=sent)

    assert console.kinds == sent
    # A URL's kind that [notify] kinds mutes is muted for it too.
    assert loud.kinds == {"role_back"}
    assert quiet.kinds == sent


def test_by_default_every_channel_takes_every_kind() -> None:
    (console, quiet) = channels_of([Target(QUIET)], console=True)

    assert console.kinds == quiet.kinds == set(ALERT_KINDS)
    assert Channel(CONSOLE, None, 1000, "terminal").kinds == set(ALERT_KINDS)
