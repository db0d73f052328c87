"""Which installation of the workspace a file belongs to, by its keys (model/identity.py): the CBAM Registry
identifier where the file gives one, and the place key (country, UN/LOCODE, normalised name or coordinates or
operator) always.

An installation first seen without a Registry identifier and later with one (a workbook, which has no cell for it,
then a summary report or a 1.1 JSON file) is one installation: a file with a Registry identifier takes over the
installation known by its place key alone, and a file without one joins the installation that holds its place key.
Two installations with different Registry identifiers are never joined, even where their place keys agree; and
different names (in any script) without a UN/LOCODE give different place keys, so they stay apart.
The id of an installation with a Registry identifier is always the one derived from it, in whichever order the files
arrive; a file without one keeps the id of its place key until a file names the identifier.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from cbam_exchange.model.identity import IdentityKeys, identity_keys, key_id, normal_text

_LOCK = 4242019  # PostgreSQL advisory lock: one identity decision at a time (SQLite's BEGIN IMMEDIATE does this)


def _ids_with(conn: sa.Connection, key: str) -> list[tuple[str, str | None]]:
    return list(conn.execute(sa.text(
        "SELECT i.id, i.registry_id FROM installation_keys k JOIN installations i ON i.id = k.installation_id "
        "WHERE k.key = :key ORDER BY i.id"), {"key": key}))


def _add_keys(conn: sa.Connection, installation: str, keys: list[str]) -> None:
    for key in keys:
        conn.execute(sa.text("INSERT INTO installation_keys (key, installation_id) VALUES (:key, :inst) "
                             "ON CONFLICT DO NOTHING"), {"key": key, "inst": installation})


def _merge(conn: sa.Connection, old: str, into: str) -> None:
    """Move everything of installation `old` (known by its place key only) to `into`, then drop `old`."""
    keys = [k for (k,) in conn.execute(sa.text("SELECT key FROM installation_keys WHERE installation_id = :old"),
                                       {"old": old})]
    _add_keys(conn, into, keys)
    conn.execute(sa.text("DELETE FROM installation_keys WHERE installation_id = :old"), {"old": old})
    conn.execute(sa.text("UPDATE submissions SET installation_id = :into WHERE installation_id = :old"),
                 {"into": into, "old": old})
    conn.execute(sa.text("DELETE FROM installations WHERE id = :old"), {"old": old})


def registry_conflict(conn: sa.Connection, keys: IdentityKeys, country: str | None) -> str | None:
    """Why a file's Registry identifier cannot be the installation's that the workspace knows by it: that one is in
    another country (a typing error or a copied supplement), else None. Joining would let the file supersede
    another installation's submission."""
    if not keys.registry or not normal_text(country):
        return None
    known = conn.execute(sa.text("SELECT name, country_code FROM installations WHERE id = :id"),
                         {"id": key_id(keys.registry)}).first()
    if known is None or not normal_text(known[1]) or normal_text(known[1]) == normal_text(country):
        return None
    return (f"CBAM Registry identifier {keys.registry.split('|', 1)[1]} is that of "
            f"{known[0]!r} in {known[1]!r}; found: country {country!r}; expected: the identifier of this "
            "installation (check the file's Registry identifier)")


def resolve(conn: sa.Connection, keys: IdentityKeys, name: str | None, country: str | None, unlocode: str | None,
            registry: str | None) -> str:
    """The installation id for a file with these keys, creating or joining installations as the module says."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _LOCK})
    by_place = _ids_with(conn, keys.place)
    if keys.registry:
        target = key_id(keys.registry)
        other_registry = any(reg is not None and i != target for i, reg in by_place)
        # joined only where no installation with another Registry identifier shares the place key (ambiguous)
        joined = [] if other_registry else [i for i, reg in by_place if reg is None and i != target]
    else:
        # the one installation holding this place key; several (different Registry identifiers): not guessed
        holders = {i for i, _ in by_place}
        target = holders.pop() if len(holders) == 1 else key_id(keys.place)
        joined = []
    conn.execute(sa.text(
        "INSERT INTO installations (id, name, country_code, unlocode, registry_id) VALUES (:id, :name, :country, "
        ":unlocode, :registry) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
        "unlocode = COALESCE(excluded.unlocode, installations.unlocode), "
        "registry_id = COALESCE(excluded.registry_id, installations.registry_id)"),
        {"id": target, "name": name, "country": country, "unlocode": unlocode, "registry": registry})
    for old in joined:
        _merge(conn, old, target)
    _add_keys(conn, target, [k for k in (keys.registry, keys.place) if k])
    return target


def stored_keys(model: dict[str, Any]) -> IdentityKeys | None:
    """The keys of a stored model (a submission's or a summary report's), None where it holds no identifying data."""
    inst = model.get("installation")
    if not isinstance(inst, dict):
        return None
    definitive = model.get("definitive") if isinstance(model.get("definitive"), dict) else {}
    operator = definitive.get("operator") if isinstance(definitive.get("operator"), dict) else {}
    return identity_keys(country=inst.get("country_code"), unlocode=inst.get("unlocode"), name=inst.get("name"),
                         name_local=inst.get("name_local"), latitude=inst.get("latitude"),
                         longitude=inst.get("longitude"), operator=operator.get("name"),
                         registry=definitive.get("registry_installation_id"))
