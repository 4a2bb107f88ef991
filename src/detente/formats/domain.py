"""Loading a domain from a folder or explicit files, whatever its format.

The format is decided by the files: ``.xml`` files are GENIUS (one
``<negotiation_template>`` domain file plus ``<utility_space>`` profiles),
``.json`` files are GeniusWeb (a domain with ``issuesValues`` plus
``LinearAdditiveUtilitySpace`` profiles) or NegoLog (profiles with
``issueWeights`` and ``issues``). Parties are the profiles, ordered by file
name, with the file stems as ids. In a folder, files that are none of these
(``pareto.xml`` holding CSV text, ``specials.json`` with an organiser's
results) are skipped and listed in :attr:`DomainOrigin.notes`; given
explicitly, they are an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from detente.errors import Location, ScenarioError
from detente.formats import genius, geniusweb, negolog
from detente.formats.origin import DEFAULT_REAL_STEPS, DomainFormat, DomainOrigin
from detente.formats.reading import MAX_DOMAIN_BYTES, MAX_ISSUE_VALUES, read_bytes, read_json
from detente.formats.xmlsource import XmlDocument, looks_like_xml, parse_xml
from detente.outcomes import OutcomeSpace
from detente.parties import Party
from detente.scenario import Scenario

DOMAIN_SUFFIXES = (".xml", ".json")
"""File extensions that make a path a domain file rather than a detente scenario."""

PathLike = str | Path


@dataclass(slots=True)
class _Collected:
    files: list[Path]
    folder: Path | None
    notes: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)


def domain_source(source: PathLike | Sequence[PathLike]) -> Path | list[Path] | None:
    """The domain folder or files ``source`` names, or ``None`` for a detente YAML scenario.

    A string naming no existing file but holding commas is a list of files
    (``dom.xml,a.xml,b.xml``), the command line's way to name explicit files.

    >>> domain_source("scenario.yaml") is None, domain_source("d.xml,a.xml,b.xml")
    (True, [PosixPath('d.xml'), PosixPath('a.xml'), PosixPath('b.xml')])
    """
    if isinstance(source, str | Path):
        text = str(source)
        if "," in text and not Path(text).exists():
            paths = [Path(part.strip()) for part in text.split(",") if part.strip()]
        else:
            paths = [Path(source)]
    else:
        paths = [Path(p) for p in source]
    if not paths or not all(p.is_dir() or p.suffix.lower() in DOMAIN_SUFFIXES for p in paths):
        return None
    return paths[0] if len(paths) == 1 and paths[0].is_dir() else paths


def load_domain(
    source: PathLike | Sequence[PathLike],
    real_steps: int = DEFAULT_REAL_STEPS,
    lenient: bool = False,
) -> Scenario:
    """Read a GENIUS, GeniusWeb or NegoLog domain into a :class:`Scenario`.

    ``source`` is a folder or the domain's files. ``real_steps`` is the grid
    size for real-valued issues; ``lenient`` repairs unambiguous XML breakage,
    listing each repair in ``scenario.origin.repairs``.

    >>> import tempfile, pathlib, json
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name, w in (("a", 0.25), ("b", 0.75)):
    ...     _ = (folder / f"{name}.json").write_text(json.dumps({"reservationValue": 0.1,
    ...         "issueWeights": {"x": w, "y": 1 - w},
    ...         "issues": {"x": {"p": 1.0, "q": 0.0}, "y": {"p": 0.0, "q": 1.0}}}))
    >>> scenario = load_domain(folder)
    >>> scenario.party_ids, scenario.space.size, scenario.origin.format
    (('a', 'b'), 4, 'negolog')
    """
    if not 2 <= real_steps <= MAX_ISSUE_VALUES:
        raise ScenarioError(
            f"real_steps must be from 2 to {MAX_ISSUE_VALUES:,} (grid points of a real issue), "
            f"got {real_steps:,}"
        )
    collected = _collect(source)
    suffixes = {p.suffix.lower() for p in collected.files}
    if suffixes == {".xml"}:
        return _load_genius(collected, real_steps, lenient)
    if suffixes == {".json"}:
        return _load_json(collected)
    where = Location(str(collected.folder or collected.files[0]))
    raise ScenarioError(
        f"expected GENIUS .xml files or GeniusWeb/NegoLog .json files, found {sorted(suffixes)}",
        where,
    )


def _collect(source: PathLike | Sequence[PathLike]) -> _Collected:
    if isinstance(source, str | Path) and Path(source).is_dir():
        folder = Path(source)
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        kept = [p for p in files if p.suffix.lower() in DOMAIN_SUFFIXES]
        collected = _Collected(kept, folder)
        collected.notes.extend(
            f"skipped {p.name}: not .xml or .json" for p in files if p not in kept
        )
        if not kept:
            raise ScenarioError(
                "is a folder without .xml or .json domain files (give a YAML scenario file or a domain folder)",
                Location(str(folder)),
            )
        return collected
    paths = [Path(source)] if isinstance(source, str | Path) else [Path(p) for p in source]
    for path in paths:
        if not path.exists():
            raise ScenarioError("no such file or folder", Location(str(path)))
    return _Collected(sorted(paths, key=lambda p: p.name), None)


def _load_genius(collected: _Collected, real_steps: int, lenient: bool) -> Scenario:
    domains: list[XmlDocument] = []
    profiles: list[XmlDocument] = []
    for path in collected.files:
        data = read_bytes(path, MAX_DOMAIN_BYTES, "domain file")
        if not looks_like_xml(data):
            _skip(collected, path, "not an XML document")
            continue
        document = parse_xml(path, data, lenient)
        collected.repairs.extend(document.repairs)
        if document.root.tag == "negotiation_template":
            domains.append(document)
        elif document.root.tag == "utility_space":
            profiles.append(document)
        else:
            _skip(collected, path, f"root <{document.root.tag}> is neither a domain nor a profile")
    domain = _single(collected, domains, "GENIUS domain file (root <negotiation_template>)")
    read = genius.read_genius(domain, profiles, real_steps)
    collected.notes.extend(read.notes)
    has_real = any(issue.kind == "real" for issue in read.space.issues)
    steps = real_steps if has_real else None
    origin = _origin(collected, "genius", [domain, *profiles], read.discounts, steps)
    return _scenario(collected, domain.path, read.space, read.parties, origin)


def _load_json(collected: _Collected) -> Scenario:
    documents = [(path, read_json(path)) for path in collected.files]
    domains = [(p, d) for p, d in documents if geniusweb.is_domain(d)]
    web = [(p, d) for p, d in documents if geniusweb.is_profile(d)]
    logs = [(p, d) for p, d in documents if negolog.is_profile(d)]
    for path, _ in documents:
        if not any(path == p for p, _ in (*domains, *web, *logs)):
            _skip(collected, path, "neither a domain nor a profile")
    if web and logs:
        raise ScenarioError("mixes GeniusWeb and NegoLog profiles", _where(collected))
    if logs:
        return _negolog(collected, logs)
    return _geniusweb(collected, domains, web)


_Json = list[tuple[Path, Any]]


def _negolog(collected: _Collected, logs: _Json) -> Scenario:
    space = negolog.read_space(*logs[0])
    parties = tuple(negolog.read_party(p, d, space) for p, d in logs)
    used = [p for p, _ in logs]
    origin = _origin(collected, "negolog", used, None, None)
    return _scenario(collected, used[0], space, parties, origin)


def _geniusweb(collected: _Collected, domains: _Json, web: _Json) -> Scenario:
    if not web:
        raise ScenarioError("no GeniusWeb or NegoLog profiles found", _where(collected))
    if len(domains) > 1:
        names = [p.name for p, _ in domains]
        raise ScenarioError(f"more than one GeniusWeb domain: {names}", _where(collected))
    carriers = [(p, d) for p, d in web if geniusweb.carries_domain(d)]
    if not domains and not carriers:
        raise ScenarioError(
            "no GeniusWeb domain: no domain file, and no profile holds one", _where(collected)
        )
    space = geniusweb.read_space(*domains[0]) if domains else geniusweb.embedded_space(*carriers[0])
    parties = tuple(geniusweb.read_party(p, d, space) for p, d in web)
    used = [p for p, _ in domains] + [p for p, _ in web]
    origin = _origin(collected, "geniusweb", used, None, None)
    return _scenario(collected, used[0], space, parties, origin)


def _where(collected: _Collected) -> Location:
    return Location(str(collected.folder or collected.files[0]))


def _skip(collected: _Collected, path: Path, reason: str) -> None:
    if collected.folder is None:
        raise ScenarioError(f"not a domain or profile file: {reason}", Location(str(path)))
    collected.notes.append(f"skipped {path.name}: {reason}")


def _single(collected: _Collected, found: list[XmlDocument], what: str) -> XmlDocument:
    if len(found) != 1:
        names = [d.path.name for d in found]
        raise ScenarioError(
            f"expected exactly one {what}, found {len(found)} {names}",
            Location(str(collected.folder or collected.files[0])),
        )
    return found[0]


def _origin(
    collected: _Collected,
    format: DomainFormat,
    used: Sequence[XmlDocument | Path],
    discounts: Sequence[float] | None,
    real_steps: int | None,
) -> DomainOrigin:
    paths = [u.path if isinstance(u, XmlDocument) else u for u in used]
    return DomainOrigin(
        format=format,
        files=tuple(str(p) for p in paths),
        discount_factors=tuple(discounts) if discounts is not None else (),
        real_steps=real_steps,
        repairs=tuple(collected.repairs),
        notes=tuple(collected.notes),
    )


def _scenario(
    collected: _Collected,
    main: Path,
    space: OutcomeSpace,
    parties: Sequence[Party],
    origin: DomainOrigin,
) -> Scenario:
    where = Location(str(collected.folder or main))
    if len(parties) < 2:
        raise ScenarioError(f"a domain needs at least two profiles, found {len(parties)}", where)
    if len(origin.discount_factors) != len(parties):
        origin = DomainOrigin(
            origin.format,
            origin.files,
            tuple(1.0 for _ in parties),
            origin.real_steps,
            origin.repairs,
            origin.notes,
        )
    name = (collected.folder or main).stem if collected.folder else main.stem
    return Scenario(
        name=name,
        space=space,
        parties=tuple(parties),
        description=f"{origin.format} domain imported from {where.file}",
        path=str(collected.folder or main),
        origin=origin,
    )
