"""Domain knowledge loaded from the data files in corpus/knowledge/: installations, weapons, actors, cue words.

The files are data, not code; this module only normalises names and answers look-ups:
- `Knowledge.link_installation("la base aérienne d'Ain Al-Assad")` -> the gazetteer entry of Aïn al-Asad;
- `Knowledge.weapon_type("des roquettes de type Grad")` -> "rocket";
- `Knowledge.link_actor("milices soutenues par l'Iran")` -> the actor entry;
- `Knowledge.has_cue("killed", sentence)`.
A `Knowledge` round-trips through a plain dict, so pipeline components can store it with the model
(the packaged pipeline then needs no data files of the repo).
"""
import json
import re
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from .normalisation import FoldedText, fold_in_place, fold_name, normalise, normalise_in_place  # noqa: F401

FILES = {"installations": "installations.json", "weapons": "weapons.json", "actors": "actors.json", "cues": "cues.json"}
CUE_KINDS = ("claim", "claim_speech", "claim_deed", "blame", "killed", "injured", "both", "unclaimed")
INSTALLATION_KINDS = ("air base", "airfield", "airport", "naval base", "military base", "camp", "barracks", "garrison",
                      "outpost", "checkpoint", "headquarters", "depot", "port", "embassy", "consulate", "un position",
                      "logistics base", "training centre", "oil field", "gas field", "radar station")
ACTOR_KINDS = ("state", "state force", "militia", "jihadist group", "insurgent group", "separatist group",
               "private military company", "peacekeeping mission", "coalition", "umbrella")


# Words that say which kind of installation a text names, to choose between entries that share an alias.
_KIND_WORDS = {
    "air base": ("base aerienne", "air base", "airbase"), "airfield": ("aerodrome", "airfield", "piste"),
    "airport": ("aeroport", "airport"), "naval base": ("base navale", "port militaire", "naval base"),
    "embassy": ("ambassade", "embassy"), "consulate": ("consulat", "consulate"), "camp": ("camp",),
    "headquarters": ("quartier general", "etat major", "siege"), "port": ("port",), "depot": ("depot", "entrepot"),
    "barracks": ("caserne",), "outpost": ("avant poste", "poste"), "un position": ("position", "poste"),
}


# Words that make a mention an installation ("la base de X", "X Air Base"); a core name links only beside one.
INSTALLATION_WORDS = re.compile(
    r"(?<!\w)(base|bases|camp|aeroport|aerodrome|airport|airfield|airbase|garnison|caserne|cantonnement|poste|avant poste|"
    r"position|positions|qg|quartier general|etat major|siege|ambassade|embassy|consulat|consulate|port|depot|entrepot|"
    r"arsenal|centre d'entrainement|centre de commandement|centre de formation|"
    r"ecole|academie|fort|champ|site|installation|emprise|complexe|terminal|radar|piste|check point|"
    r"checkpoint|barrage|point de passage|prison|usine|usines|fob|cob|forward operating base)(?!\w)")
# With INSTALLATION_WORDS, the words that let a BASE mention name an installation the gazetteer does not know:
# plurals, descriptions and English names ("des aérodromes militaires", "une annexe", "la Zone verte", "Tower 22").
# 1 of the 1,235 gold BASE spans of the training and development texts has none of them ("un objectif vital").
DESCRIPTIVE_INSTALLATION_WORDS = re.compile(
    r"(?<!\w)(aerodromes|aeroports|camps|casernes|garnisons|postes|avant postes|depots|entrepots|ambassades|consulats|"
    r"sites|installations|emprises|complexes|detachement|detachements|zone|zones|tour|tower|annexe|infrastructure|"
    r"infrastructures|compound|village|station|mission|cantonnements|bataillon|brigade|unite|unites|navire|"
    r"batterie|batteries|hangar|hangars|batiment|batiments|enceinte|forteresse|fortin|outpost|headquarters|field|"
    r"front|ligne|tranchee|tranchees|bastion|quartier|quartiers|points|point)(?!\w)")
# Type words around a proper name in a name or alias: "base aérienne de X", "X Air Base", "Camp X" -> "X".
_TYPE_PREFIX = re.compile(
    r"^(?:(?:l'|la |le |les )?(?:ancienne |ancien )?(?:base|aeroport|aerodrome|camp|caserne|garnison|poste|position|"
    r"quartier general|qg|port|depot|centre|champ|terminal|ecole|fort|cantonnement|super camp)"
    r"(?: (?:aerienne|navale|militaire|international|internationale|aeroportuaire|petrolier|petrolifere|gazier|"
    r"logistique|operationnel|operationnelle|avance|avancee|para|de la minusma|de l'onu|de la finul))*"
    r" (?:de la |de l'|du |des |de |d')|camp |fort |fob |cob )")  # "Port Sudan" keeps its name: no connector
_TYPE_SUFFIX = re.compile(r" (?:international airport|airport|air base|airbase|airfield|air field|naval base|base|camp|"
                          r"cantonment|garrison|port|airstrip|military airport)$")


def _core_names(entry: Dict[str, Any]) -> List[str]:
    """The proper-name cores of an installation's name and aliases ("base aérienne de Tabqa" -> "Tabqa"), which link a
    mention that has an installation word but words the type differently ("l'aéroport militaire d'al-Tabqa")."""
    cores = list(entry.get("place_names", []))  # "Erbil" for Erbil airport: only beside an installation word
    for alias in [entry["name"], *entry.get("aliases", [])]:
        plain = normalise(alias)
        core = _TYPE_SUFFIX.sub("", _TYPE_PREFIX.sub("", plain)).strip()
        if core != plain and len(fold_name(core)) >= 4 and not INSTALLATION_WORDS.fullmatch(core):
            cores.append(core)
    return cores


class _PhraseIndex:
    """Longest-match look-up of phrases inside a text, on word boundaries.

    With `fold`, phrases and texts are compared in their folded spelling (`normalisation.fold_name`), so one
    alias covers its transliterations. A key that several entries share is ambiguous: the look-up returns the
    candidate that `resolve` picks from the mention's words, or None."""

    def __init__(self, phrases: Iterable[Tuple[str, Any]], fold: bool = False,
                 resolve: Optional[Callable[[List[Any], str], Optional[Any]]] = None):
        self.key: Callable[[str], str] = fold_name if fold else normalise
        self.fold = fold
        self._last_text: Optional[Tuple[str, List[Tuple[int, int, str]]]] = None
        self.resolve = resolve
        self.entries: Dict[str, List[Any]] = {}
        for phrase, value in phrases:
            key = self.key(phrase)
            if not key:
                continue
            candidates = self.entries.setdefault(key, [])
            if not any(_same(value, c) for c in candidates):
                candidates.append(value)
        # One regular expression for all phrases, as a trie (see `_trie_pattern`): a plain alternation of thousands of
        # phrases is tried phrase by phrase at every word start, the trie once per character.
        self.pattern = re.compile(_trie_pattern(self.entries)) if self.entries else None

    def _value(self, key: str, text: str) -> Optional[Any]:
        candidates = self.entries[key]
        if len(candidates) == 1 or self.resolve is None:
            return candidates[0]
        return self.resolve(candidates, text)

    def find(self, text: str) -> Optional[Any]:
        """Value of the longest phrase occurring in `text` (leftmost among equally long), or None."""
        if self.pattern is None:
            return None
        matches = [" ".join(m.group(1).split()) for m in self.pattern.finditer(self.key(text))]
        if not matches:
            return None
        return self._value(max(matches, key=len), text)

    def _folded_matches(self, text: str) -> List[Tuple[int, int, str]]:
        if self._last_text is not None and self._last_text[0] == text:
            return self._last_text[1]
        folded = fold_in_place(text)
        matches = []
        for m in self.pattern.finditer(folded.text):
            s, e = folded.span(m.start(1), m.end(1))
            matches.append((s, e, " ".join(m.group(1).split())))
        self._last_text = (text, matches)
        return matches

    def spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, Any]]:
        """Non-overlapping matches in text[start:end] as (start, end, value), offsets into `text`; of overlapping
        matches the longest wins, then the leftmost."""
        if self.pattern is None:
            return []
        end = len(text) if end is None else end
        found: List[Tuple[int, int, str]] = []
        if not self.fold:
            flat = normalise_in_place(text)
            for m in self.pattern.finditer(flat, start, end):
                if m.end(1) <= end:
                    found.append((m.start(1), m.end(1), " ".join(m.group(1).split())))
        else:  # the whole text once per text (the rules ask sentence by sentence), then the range
            found = [f for f in self._folded_matches(text) if f[0] >= start and f[1] <= end]
        chosen: List[Tuple[int, int, str]] = []
        for s, e, key in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if all(e <= cs or s >= ce for cs, ce, _ in chosen):
                chosen.append((s, e, key))
        return [(s, e, self._value(key, text[s:e])) for s, e, key in sorted(chosen)]


def _trie_pattern(phrases: Iterable[str]) -> str:
    """A regular expression that finds, at every word start, the longest of `phrases` ending on a word boundary,
    as group 1 of a look-ahead (so that overlapping matches are all found), with any run of whitespace between
    words. The phrases are merged into a character trie: at each node the longer continuations are tried before
    the phrase that ends there, which gives the longest match, as an alternation sorted by length would."""
    trie: Dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: Dict[str, Any]) -> str:
        alternatives = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch]) for ch in sorted(node) if ch]
        if "" in node:
            alternatives.append(r"(?!\w)")
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return r"(?<!\w)(?=(" + emit(trie) + "))"


def _read_json(file: Path) -> Any:
    try:
        return json.loads(file.read_text(encoding="utf8"))
    except json.JSONDecodeError as err:
        raise ValueError(f"{file}:{err.lineno}: not valid JSON: {err.msg}") from err


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.get("id") == b.get("id")
    return a == b


def _installation_by_kind(candidates: List[Dict[str, Any]], text: str) -> Optional[Dict[str, Any]]:
    """The one candidate whose kind the text names ("l'aéroport d'X" rather than "la base aérienne d'X"), else None."""
    plain = normalise(text)
    named = [c for c in candidates if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", plain) for w in _KIND_WORDS.get(c.get("kind", ""), ()))]
    return named[0] if len(named) == 1 else None


class Knowledge:
    def __init__(self, data: Dict[str, Any]):
        self.data = data
        self.installations: List[Dict[str, Any]] = data.get("installations", [])
        self.actors: List[Dict[str, Any]] = data.get("actors", [])
        self._actor_by_id: Dict[str, Dict[str, Any]] = {a["id"]: a for a in self.actors if "id" in a}
        weapons = data.get("weapons", {"types": [], "terms": []})
        self.weapon_types: List[str] = weapons.get("types", [])
        self.weapon_terms: List[Dict[str, str]] = weapons.get("terms", [])
        self.cues: Dict[str, List[str]] = {k: v for k, v in data.get("cues", {}).items() if not k.startswith("_")}
        self._installations = _PhraseIndex(((alias, e) for e in self.installations for alias in [e["name"], *e.get("aliases", [])]),
                                           fold=True, resolve=_installation_by_kind)
        self._cores = _PhraseIndex(((core, e) for e in self.installations for core in _core_names(e)),
                                   fold=True, resolve=_installation_by_kind)
        # Names searched in running text: aliases and place names ("la base de Gao": the rules keep a match only
        # with an installation word beside it, see rule_entities.named_installations).
        self._span_names = _PhraseIndex(((name, e) for e in self.installations
                                         for name in [e["name"], *e.get("aliases", []), *e.get("place_names", [])]),
                                        fold=True, resolve=_installation_by_kind)
        self._actors = _PhraseIndex(((alias, e) for e in self.actors for alias in [e["name"], *e.get("aliases", [])]),
                                    fold=True, resolve=lambda candidates, text: None)
        self._weapons = _PhraseIndex((t["term"], t["type"]) for t in self.weapon_terms)
        self._cue_patterns = {
            kind: re.compile(r"(?<![\w])(" + "|".join(
                re.escape(normalise(c.rstrip("$"))) + (r"(?![\w])" if c.endswith("$") else "") for c in cues) + ")")
            for kind, cues in self.cues.items() if cues
        }

    @classmethod
    def from_dir(cls, path: Path) -> "Knowledge":
        """Read the knowledge files of a folder. A list-valued kind may instead be a sub-folder of JSON lists, one
        per theatre (`installations/iraq_syria.json`, ...), read in name order."""
        path = Path(path)
        data: Dict[str, Any] = {}
        for key, name in FILES.items():
            file, folder = path / name, path / key
            if folder.is_dir():
                if file.exists():
                    raise ValueError(f"both {file} and {folder}/ exist: keep one of them")
                parts = sorted(folder.glob("*.json"))
                if not parts:
                    raise FileNotFoundError(f"knowledge folder {folder} has no .json file")
                data[key] = []
                for part in parts:
                    entries = _read_json(part)
                    if not isinstance(entries, list):
                        raise ValueError(f"{part}: expected a JSON list of entries, got {type(entries).__name__}")
                    data[key].extend(entries)
            elif file.exists():
                data[key] = _read_json(file)
            else:
                raise FileNotFoundError(f"knowledge file {file} is missing (expected {', '.join(FILES.values())})")
        return cls(data)

    def to_dict(self) -> Dict[str, Any]:
        return self.data

    def link_installation(self, text: str) -> Optional[Dict[str, Any]]:
        """The installation a mention names: by a full alias, else by the proper-name core of one when the mention
        has an installation word ("l'aéroport militaire d'al-Tabqa" -> Tabqa air base; "la ville de Gao" -> None)."""
        entry = self._installations.find(text)
        if entry is None and INSTALLATION_WORDS.search(normalise(text)):
            entry = self._cores.find(text)
        return entry

    def associated_actors(self, actor_id: str) -> List[str]:
        """Names of the umbrellas an actor belongs to and of the states that back it, transitively (ACLED's
        "associated actors"): Kataëb Hezbollah -> Résistance islamique en Irak, Hachd al-Chaabi, Iran."""
        by_id = self._actor_by_id
        seen: List[str] = []
        todo = [actor_id]
        while todo:
            entry = by_id.get(todo.pop(0)) or {}
            for other in [*entry.get("member_of", []), *entry.get("backed_by", [])]:
                if other not in seen and other != actor_id and other in by_id:
                    seen.append(other)
                    todo.append(other)
        return [by_id[i]["name"] for i in seen]

    def actors_related(self, a: str, b: str) -> bool:
        """Whether two actor ids are one actor, or one is an umbrella or backer of the other ("des milices
        soutenues par l'Iran" and Kataëb Hezbollah)."""
        by_id = self._actor_by_id
        if a == b or by_id.get(b, {}).get("name") in self.associated_actors(a) or by_id.get(a, {}).get("name") in self.associated_actors(b):
            return True
        for umbrella, member in ((a, b), (b, a)):  # an umbrella named by its backer covers every group that backer backs
            entry = by_id.get(umbrella, {})
            if entry.get("kind") == "umbrella" and not any(m.get("member_of") and umbrella in m["member_of"] for m in self.actors):
                backers = {by_id[x]["name"] for x in entry.get("backed_by", []) if x in by_id}
                if backers & set(self.associated_actors(member)):
                    return True
        return False

    def link_actor(self, text: str) -> Optional[Dict[str, Any]]:
        return self._actors.find(text)

    def weapon_type(self, text: str) -> Optional[str]:
        return self._weapons.find(text)

    def weapon_spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, str]]:
        return self._weapons.spans(text, start, end)

    def installation_spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, Dict[str, Any]]]:
        return self._span_names.spans(text, start, end)

    def actor_spans(self, text: str, start: int = 0, end: Optional[int] = None) -> List[Tuple[int, int, Dict[str, Any]]]:
        return self._actors.spans(text, start, end)

    def names_installation(self, text: str) -> bool:
        """A mention that can be a BASE: it has an installation word or names an installation of the gazetteer
        ("Harir" alone; a town that names one of its installations, "Erbil" for its airport, passes too).
        "Kiryat Shmona", "Centre-Nord" and "Météo-France" cannot (guidelines D35)."""
        plain = normalise(text).lower()
        return bool(INSTALLATION_WORDS.search(plain) or DESCRIPTIVE_INSTALLATION_WORDS.search(plain)
                    or self.installation_spans(text) or self.link_installation(text))

    def has_cue(self, kind: str, text: str) -> bool:
        pattern = self._cue_patterns.get(kind)
        return bool(pattern and pattern.search(normalise(text)))

    def is_claim(self, text: str, reported: bool = False) -> bool:
        """A claim cue that is not part of a 'nobody claimed it' phrase. With `reported`, a claim in reported speech
        counts too: a speech verb and a deed anywhere in the sentence ("X a affirmé dimanche sur Telegram avoir visé
        la base", D33), the words between them vary too much for one cue. It is the weaker evidence ("Israël dit
        avoir frappé des positions du Hezbollah" is a retaliation), so it only keeps a claim the relations made."""
        claim = self.has_cue("claim", text) or (reported and self.has_cue("claim_speech", text)
                                                and self.has_cue("claim_deed", text))
        return claim and not self.has_cue("unclaimed", text)
