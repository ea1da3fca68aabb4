"""The dashboard's watchlist actions against a real watchlist file and boards on
127.0.0.1: a company added from a pasted URL (the discover flow, fetched through the
guard), a rejection recorded, both through the validated, comment-keeping path of
`discover --add` and `import --write`; a file changed since the form was made is never
overwritten; a read-only watchlist gets the snippet to paste."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from dashboard_site import GH, GLOBEX, Site, board, get_html, text_of
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from conftest import BoardServer
from secondchance.config.load import load
from secondchance.web import csrf, edits

WATCHLIST = """# my watchlist: the comments stay
[settings.endpoints]
greenhouse = "{boards}"

[notify]
timezone = "UTC"

# Acme turned me down in November
[[company]]
name = "Acme"
greenhouse = "acme"  # their board
"""

Client = TestClient[web.Request, web.Application]


@pytest.fixture
def site(tmp_path: Path, boards: BoardServer) -> Site:
    site = Site(tmp_path, WATCHLIST.format(boards=boards.url))
    boards.set(GH, board((1, "Backend Engineer")))
    boards.set(GLOBEX, board((7, "Data Engineer"), (8, "Platform Engineer")))
    site.once()
    return site


def _form_of(tree: HTMLParser, action: str) -> dict[str, Any]:
    """What a browser would post from the page's form for ``action``: its hidden and
    filled fields, and the boards checked."""
    form = next(f for f in tree.css("form") if f.attributes.get("action") == action)
    fields: dict[str, Any] = {}
    for node in form.css("input"):
        name, kind = node.attributes.get("name"), node.attributes.get("type")
        if not name or (kind == "checkbox" and "checked" not in node.attributes):
            continue
        value = node.attributes.get("value") or ""
        if kind == "checkbox":
            fields.setdefault(name, []).append(value)
        else:
            fields[name] = value
    return fields


def _multi(fields: dict[str, Any]) -> list[tuple[str, str]]:
    return [(k, item) for k, v in fields.items() for item in (v if isinstance(v, list) else [v])]


async def _found(client: Client, url: str) -> HTMLParser:
    token = csrf.token_for(client.app[csrf.SECRET], "")
    response = await client.post("/watchlist/add", data={"url": url, csrf.FIELD: token})
    assert response.status == 200, await response.text()
    return HTMLParser(await response.text())


async def test_a_company_added_from_a_pasted_url_with_its_rejection(site: Site) -> None:
    async with site.client() as client:
        start = text_of(await get_html(client, "/watchlist"))
        assert "Add a company from a URL" in start
        tree = await _found(client, "https://boards.greenhouse.io/globex")
        page = text_of(tree)
        assert 'greenhouse = "globex"' in page and "2 open postings" in page
        fields = _form_of(tree, "/actions/add-company")
        assert fields["name"] == "Globex" and len(fields["board"]) == 1
        fields.update(role="Staff Engineer", date="2026-11-20", stage="onsite")
        response = await client.post(
            "/actions/add-company", data=_multi(fields), allow_redirects=False
        )
        assert response.status == 303, await response.text()
        assert re.fullmatch(r"/company/Globex\?done=edited&edit=\w+", response.headers["Location"])
        company = text_of(await get_html(client, response.headers["Location"]))
    assert "Written to the watchlist" in company
    assert "Staff Engineer" in company and "2026-11-20, onsite" in company
    text = site.path.read_text()
    assert text.startswith("# my watchlist: the comments stay\n")
    assert 'greenhouse = "acme"  # their board' in text
    assert '[[company]]\nname = "Globex"\ngreenhouse = "globex"' in text
    assert 'role = "Staff Engineer"\ndate = 2026-11-20\nstage = "onsite"' in text
    globex = load(site.path).company("Globex")
    assert globex is not None and [r.role for r in globex.rejections] == ["Staff Engineer"]


async def test_pasted_urls_inside_the_machine_are_never_fetched(
    site: Site, boards: BoardServer
) -> None:
    other = BoardServer()
    try:
        other.set("/careers", '<a href="https://jobs.lever.co/secret">jobs</a>')
        boards.set("/jump", status=302, headers={"Location": f"{other.url}/careers"})
        async with site.client() as client:
            for url, said in (
                (f"{other.url}/careers", "127.0.0.1 is a loopback address"),
                (f"http://localhost:{other.port}/careers", "localhost is a loopback address"),
                ("http://169.254.169.254/latest/meta-data/", "a cloud metadata address"),
                ("http://[fe80::1]/", "a link-local address"),
                # The watchlist's own endpoint may be fetched; where it redirects, not.
                (f"{boards.url}/jump", "127.0.0.1 is a loopback address"),
            ):
                page = text_of(await _found(client, url))
                assert "not fetched" in page and said in page, page
        assert other.requests == []
    finally:
        other.close()


async def test_a_rejection_recorded_from_the_company_page(site: Site) -> None:
    async with site.client() as client:
        tree = await get_html(client, "/company/Acme")
        fields = _form_of(tree, "/actions/rejection")
        fields.update(role="Backend Engineer", date="2026-11-02", contact="Dana ${HOME}")
        response = await client.post("/actions/rejection", data=fields, allow_redirects=False)
        assert response.headers["Location"].startswith("/company/Acme?done=edited&edit=")
        page = text_of(await get_html(client, "/company/Acme"))
        assert "Backend Engineer" in page and "Dana ${HOME}" in page
        # The same form again: the file changed since it was made, so nothing is written.
        again = await client.post("/actions/rejection", data=fields)
        assert again.status == 409
        assert "changed since this form was made" in await again.text()
    text = site.path.read_text()
    assert text.count("[[company.rejection]]") == 1
    # Typed text stays text: never a reference to a secret in the environment.
    assert 'contact = "Dana $${HOME}"' in text
    assert 'greenhouse = "acme"  # their board\n' in text


async def test_a_file_edited_by_hand_meanwhile_is_not_overwritten(site: Site) -> None:
    async with site.client() as client:
        fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
        edited = site.path.read_text() + "\n# edited by hand\n"
        site.path.write_text(edited)
        fields.update(role="Backend Engineer", date="2026-11-02")
        response = await client.post("/actions/rejection", data=fields)
        assert response.status == 409
        page = text_of(HTMLParser(await response.text()))
    assert site.path.read_text() == edited
    assert "Nothing written" in page and 'role = "Backend Engineer"' in page


async def test_an_edit_the_check_refuses_writes_nothing(site: Site) -> None:
    async with site.client() as client:
        fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
        before = site.path.read_text()
        fields.update(role="Backend Engineer", date="2026-13-40")
        assert (await client.post("/actions/rejection", data=fields)).status == 400
        fields.update(role="", date="2026-11-02")
        assert (await client.post("/actions/rejection", data=fields)).status == 400
    assert site.path.read_text() == before


@contextlib.contextmanager
def read_only_copy(site: Site, tmp_path: Path) -> Iterator[str]:
    """The site's watchlist moved where it cannot be written: a read-only mount (as
    root; EROFS, as in Docker) or a folder without write permission (EACCES)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    text = site.path.read_text()
    if os.geteuid() != 0:
        (folder / "watchlist.toml").write_text(text)
        folder.chmod(0o555)
        site.path = folder / "watchlist.toml"
        try:
            yield "not writable by this process"
        finally:
            folder.chmod(0o755)
        return
    if shutil.which("mount") is None:
        pytest.skip("a read-only watchlist needs `mount` (as root) or a non-root user")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)])
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here to make a read-only watchlist")
    try:
        (folder / "watchlist.toml").write_text(text)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        site.path = folder / "watchlist.toml"
        yield "read-only file system"
    finally:
        subprocess.run(["umount", str(folder)], check=False)


async def test_a_read_only_watchlist_says_so_and_shows_what_to_paste(
    site: Site, tmp_path: Path
) -> None:
    with read_only_copy(site, tmp_path) as why:
        assert why in (edits.read_only(site.path) or "")
        before = site.path.read_text()
        async with site.client() as client:
            assert why in text_of(await get_html(client, "/watchlist"))
            tree = await get_html(client, "/company/Acme")
            assert "Show the TOML to paste" in text_of(tree)
            fields = _form_of(tree, "/actions/rejection")
            fields.update(role="Backend Engineer", date="2026-11-02", stage="phone screen")
            response = await client.post("/actions/rejection", data=fields)
            assert response.status == 409
            tree = HTMLParser(await response.text())
            snippet = tree.css_first("pre.snippet").text()
            found = await _found(client, "https://boards.greenhouse.io/globex")
            added = await client.post(
                "/actions/add-company",
                data=_multi(_form_of(found, "/actions/add-company")),
                headers={"Accept": "application/json"},
            )
            assert added.status == 409
            record = await added.json()
        assert site.path.read_text() == before
    assert "the watchlist is read-only" in text_of(tree)
    assert snippet == (
        '[[company.rejection]]\nrole = "Backend Engineer"\ndate = 2026-11-02\n'
        'stage = "phone screen"\n'
    )
    assert record["snippet"] == '[[company]]\nname = "Globex"\ngreenhouse = "globex"\n'


async def test_an_edit_is_undone_while_the_file_is_as_it_left_it(site: Site) -> None:
    before = site.path.read_text()
    async with site.client() as client:
        fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
        fields.update(role="Backend Engineer", date="2026-11-02")
        response = await client.post("/actions/rejection", data=fields)
        tree = HTMLParser(await response.text())
        undo = _form_of(tree, "/actions/undo-edit")
        assert undo["edit"]
        back = await client.post("/actions/undo-edit", data=undo, allow_redirects=False)
        assert back.headers["Location"] == "/watchlist?done=unedited"
        assert site.path.read_text() == before
        assert (await client.post("/actions/undo-edit", data=undo)).status == 404

        # Edited again, then by hand: that undo would throw the hand edit away.
        fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
        fields.update(role="Backend Engineer", date="2026-11-02")
        response = await client.post("/actions/rejection", data=fields)
        undo = _form_of(HTMLParser(await response.text()), "/actions/undo-edit")
        by_hand = site.path.read_text() + "# mine\n"
        site.path.write_text(by_hand)
        refused = await client.post("/actions/undo-edit", data=undo)
        assert refused.status == 409
    assert site.path.read_text() == by_hand


@contextlib.contextmanager
def mounted_alone(site: Site, tmp_path: Path) -> Iterator[None]:
    """The site's watchlist as a file mounted on its own (a bind mount, as root)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a file mounted on its own needs `mount` as root")
    source = tmp_path / "host.toml"
    source.write_text(site.path.read_text())
    if subprocess.run(["mount", "--bind", str(source), str(site.path)]).returncode != 0:
        pytest.skip("cannot bind-mount a file here")
    try:
        yield
    finally:
        subprocess.run(["umount", str(site.path)], check=False)


async def test_a_watchlist_mounted_on_its_own_cannot_be_replaced_and_says_so(
    site: Site, tmp_path: Path
) -> None:
    """Docker's ``-v watchlist.toml:/config/watchlist.toml``: the folder is writable
    but a rename over a file mounted on its own fails (EBUSY)."""
    with mounted_alone(site, tmp_path):
        before = site.path.read_text()
        async with site.client() as client:
            fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
            fields.update(role="Backend Engineer", date="2026-11-02")
            response = await client.post("/actions/rejection", data=fields)
            page = text_of(HTMLParser(await response.text()))
        assert response.status == 409
        assert "mount its folder instead" in page
        assert '[[company.rejection]]\nrole = "Backend Engineer"' in page
        assert site.path.read_text() == before


async def test_a_script_adds_a_company_with_json(site: Site) -> None:
    json_ = {"Accept": "application/json"}
    async with site.client() as client:
        token = csrf.token_for(client.app[csrf.SECRET], "")
        found = await client.post(
            "/watchlist/add",
            data={"url": "https://boards.greenhouse.io/globex", csrf.FIELD: token},
            headers=json_,
        )
        record = await found.json()
        assert [(c["kind"], c["value"], c["postings"]) for c in record["candidates"]] == [
            ("greenhouse", "globex", 2)
        ]
        fields = [
            ("name", "Globex"),
            ("board", '{"kind": "greenhouse", "value": "globex"}'),
            ("version", record["version"]),
            (csrf.FIELD, token),
        ]
        added = await client.post("/actions/add-company", data=fields, headers=json_)
        assert added.status == 200, await added.text()
        done = await added.json()
        assert done["done"].startswith("added company 'Globex' with greenhouse \"globex\"")
        # A board the form did not get from discover, or no board: refused.
        bad = [*fields[:1], ("board", '{"kind": "nope", "value": 1}'), *fields[2:]]
        assert (await client.post("/actions/add-company", data=bad, headers=json_)).status == 400
    assert load(site.path).company("Globex") is not None


async def test_a_rejection_the_watchlist_has_already_writes_nothing_and_says_so(
    site: Site,
) -> None:
    async with site.client() as client:
        fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
        fields.update(role="Backend Engineer", date="2026-11-02")
        await client.post("/actions/rejection", data=fields)
        written = site.path.read_text()
        fields = _form_of(await get_html(client, "/company/Acme"), "/actions/rejection")
        fields.update(role="backend engineer", date="2026-11-02")
        response = await client.post("/actions/rejection", data=fields, allow_redirects=False)
        assert response.headers["Location"] == "/company/Acme?done=unchanged"
        page = text_of(await get_html(client, response.headers["Location"]))
    assert "Nothing written: the watchlist has that already." in page
    assert site.path.read_text() == written
