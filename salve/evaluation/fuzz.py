"""Property-based fuzzing (hypothesis) of the parsers and the pipeline: nothing may crash, no offset may leave the text.

    salve fuzz --model training/rules --examples 10000 --out reports/fuzz.json

Targets, each with its own share of the examples (`SHARES`):
- `quantity`: `parse_quantity` on count-like phrases and anything else; it must return a count (None or >= 0) and
  a known qualifier, never raise.
- `markup`: `parse_markup` on markup documents with random spans, tags, escapes, relations and junk lines; it must
  return records or raise `CorpusError`, and the records it returns must be valid with offsets inside their text.
- `validator`: `validate_record` on record-shaped JSON with wrong types and values (it must return problems, never
  raise) and `read_records` on whole files of random bytes and lines (it must pass or raise `CorpusError`).
- `pipeline`: the extract path (`extraction.process_batch`: cleaning, chunking, the pipeline, events joined over
  chunks, dates) on texts; a document may be refused with an InputError (binary content) but never fail, and every
  offset of its result must index its text (`extraction.offset_problems`).
- `extract`: the same through the files a user gives (`extraction.read_documents` on .txt and JSONL files with random
  bytes, headers and ids), including texts long enough to be chunked.

The texts mix random Unicode, HTML fragments, very long tokens, several languages and scripts, repeated punctuation,
zero-width and other invisible characters, and French attack sentences with random mutations. Runs are
deterministic (`derandomize`: the same examples every time) and nothing is stored between runs (no database).
A crash is recorded with its input and the run goes on, so one run counts them all; the exit status is 1 if any
target crashed or gave an offset outside the text.
"""
import json
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from salve.corpus.format import CorpusError, read_records, validate_record
from salve.corpus.markup import parse_markup
from salve.extraction import offset_problems, process_batch, read_documents
from salve.pipeline.labels import ENTITY_LABELS, RELATION_TYPES
from salve.pipeline.quantities import QUALIFIERS, parse_quantity

# Share of the examples per target (the pipeline targets cost about 30 times more per example than the others).
SHARES = {"quantity": 0.3, "markup": 0.2, "validator": 0.2, "pipeline": 0.25, "extract": 0.05}

# --- building blocks of the texts -------------------------------------------------------------------------------

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f", "\u202a", "\u202e", "\u00ad",
             "\u034f", "\u0301", "\u0308", "\u00a0", "\u202f", "\u2009", "\u3000", "\t", "\r", "\r\n", "\x0b", "\x0c"]
PUNCTUATION = ["!", "?", ".", "…", ",", ";", ":", "«", "»", "\"", "'", "’", "-", "–", "—", "(", ")", "[", "]", "{", "}",
               "/", "\\", "*", "#", "@", "&", "%", "<", ">", "|", "~", "^", "_", "=", "+"]
FOREIGN = ["the base was attacked by drones", "قاعدة عين الأسد", "هجوم بطائرات مسيرة", "ракетный удар по базе",
           "无人机袭击了基地", "ドローン攻撃", "드론 공격", "ataque con cohetes contra la base", "Angriff auf den Stützpunkt",
           "saldırı üssü", "حمله پهپادی", "מתקפת רקטות", "ड्रोन हमला", "🚀🚀💥", "👍🏽", "🇮🇶", "Ω≈ç√∫", "ǅǈǋ", "ﬁﬂ", "Ⅳ ⅻ",
           "٣ صواريخ", "３発のロケット", "𝔅𝔞𝔰𝔢", "ＡＢＣ"]
HTML = ["<p>", "</p>", "<div class=\"x\">", "</div>", "<br>", "<br/>", "<b>", "</b>", "<a href='http://x'>", "</a>",
        "<script>alert(1)</script>", "<style>p{}</style>", "<!-- commentaire -->", "&amp;", "&lt;", "&gt;", "&nbsp;",
        "&#8217;", "&#x27;", "&#0;", "&bogus;", "<", ">", "</", "<p", "<html><body>", "</body></html>", "<h1>",
        "</h1>", "<li>", "<table><tr><td>", "<img src=x onerror=y>", "<![CDATA[x]]>"]
COUNTS = ["trois", "3", "au moins 14", "une dizaine de", "entre cinq et sept", "plusieurs", "des dizaines de",
          "plus d'une douzaine de", "1 500", "deux", "un", "une", "quelques", "près de 20", "aucun", "vingt-deux",
          "cinq à sept", "moins de 10", "10e", "0", "trois cents", "mille", "un millier de", "2,5"]
WEAPONS = ["roquettes", "drones", "obus de mortier", "missiles balistiques", "engins explosifs", "drone kamikaze",
           "roquette Katioucha", "tirs d'artillerie", "missile", "grenades", "voiture piégée", "obus"]
VERBS = ["ont visé", "ont frappé", "se sont abattues sur", "ont touché", "a attaqué", "ont été tirés contre",
         "a été la cible de", "ont atterri près de", "ont explosé à"]
TARGETS = ["la base aérienne d'Aïn al-Asad", "l'aéroport d'Erbil", "la garnison d'Al-Tanf", "le camp militaire de Dioura",
           "la base de Tombouctou", "la base K1", "une base irakienne", "l'ambassade américaine", "la base Victory",
           "le camp de Kidal", "la base aérienne de Hmeimim", "une position de l'armée", "la base d’Ain al-Asad",
           "Camp Lemonnier", "la base de Gao", "un poste militaire"]
TAILS = ["sans faire de victimes", "tuant deux soldats", "blessant au moins cinq militaires", "selon la coalition",
         "a indiqué un responsable", "dans la nuit de mardi à mercredi", "le 3 janvier 2020", "lundi soir",
         "faisant un mort et trois blessés", "aucun blessé n'a été signalé"]
CLAIMS = ["L'attaque a été revendiquée par l'État islamique.", "Washington a accusé Kataeb Hezbollah.",
          "Aucun groupe n'a revendiqué l'attaque.", "La Résistance islamique en Irak a revendiqué ces tirs.",
          "Le JNIM a revendiqué l'attaque dans un communiqué.", "Ces attaques se sont multipliées ces derniers mois."]

# digit strings longer than any count (up to past the 4,300 digits that int() accepts)
HUGE_NUMBER = st.builds(lambda digit, n: digit * n, st.sampled_from(["9", "1", "0", "٣"]), st.integers(13, 6000))
zero_to_one = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def attack_sentence(draw) -> str:
    """A French attack sentence, sometimes followed by a claim."""
    count = draw(st.one_of(st.sampled_from(COUNTS), st.sampled_from(COUNTS), st.sampled_from(COUNTS), HUGE_NUMBER))
    sentence = (f"{count} {draw(st.sampled_from(WEAPONS))} {draw(st.sampled_from(VERBS))} "
                f"{draw(st.sampled_from(TARGETS))}, {draw(st.sampled_from(TAILS))}.")
    sentence = sentence[0].upper() + sentence[1:]
    if draw(st.booleans()):
        sentence += " " + draw(st.sampled_from(CLAIMS))
    return sentence


def _mutation_payload() -> st.SearchStrategy:
    return st.one_of(st.sampled_from(INVISIBLE + PUNCTUATION + HTML), st.characters(), st.text(max_size=5))


@st.composite
def mutated(draw, base: st.SearchStrategy) -> str:
    """`base` with up to six random edits: insertions, deletions, duplications, case changes, apostrophe swaps."""
    text = draw(base)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "upper", "lower", "apostrophe", "space"]))
        i = int(draw(zero_to_one) * len(text))
        j = min(len(text), i + draw(st.integers(0, 12)))
        if op == "insert":
            text = text[:i] + draw(_mutation_payload()) + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] * draw(st.integers(1, 4)) + text[j:]
        elif op == "upper":
            text = text[:i] + text[i:j].upper() + text[j:]
        elif op == "lower":
            text = text.lower()
        elif op == "apostrophe":
            text = text.replace("'", "’") if "'" in text else text.replace("’", "'")
        else:
            text = text[:i] + draw(st.sampled_from([" ", "  ", "\n", "\n\n", "\u00a0", "\u202f"])) + text[i:]
    return text


def long_token(max_repeat: int = 3000) -> st.SearchStrategy:
    """One very long token: a character or a short word repeated (hypothesis draws short values only)."""
    return st.builds(lambda unit, n: unit * n, st.one_of(st.characters(), st.sampled_from(["a", "roquette", "9", "é", "ـ", "-", "'"])),
                     st.integers(50, max_repeat))


def fragment() -> st.SearchStrategy:
    return st.one_of(
        st.text(max_size=40),  # random Unicode, any category but surrogates
        st.sampled_from(HTML), st.sampled_from(FOREIGN), st.sampled_from(INVISIBLE),
        st.builds(lambda p, n: p * n, st.sampled_from(PUNCTUATION + INVISIBLE), st.integers(2, 60)),
        long_token(),
        attack_sentence(), mutated(attack_sentence()), mutated(attack_sentence()),
    )


SEPARATORS = st.sampled_from(["", " ", "\n", "\n\n", ". ", " \u200b", "<br>", "\t"])


@st.composite
def document_text(draw, max_fragments: int = 12) -> str:
    parts = draw(st.lists(fragment(), max_size=max_fragments))
    return "".join(part + draw(SEPARATORS) for part in parts)


@st.composite
def long_document_text(draw) -> str:
    """Over one chunk (10,000 characters): attack paragraphs and filler paragraphs, or one line with a token longer
    than a chunk (the cut then falls inside it) between attack sentences."""
    if draw(st.integers(0, 2)) == 0:
        unit = draw(st.sampled_from(["a", "9", "roquette", "e\u0301", ".", "\u200b", "ـ", "!"]))
        return draw(attack_sentence()) + " " + unit * (10_500 // len(unit)) + " " + draw(attack_sentence())
    paragraphs = draw(st.lists(st.one_of(attack_sentence(), mutated(attack_sentence()), document_text(4)), min_size=2, max_size=6))
    return "\n\n".join(paragraphs) * draw(st.integers(1, 4)) + "\n\n" + ("Le conseil municipal s'est réuni. " * 320)


def quantity_text() -> st.SearchStrategy:
    numbers = st.one_of(st.integers(0, 10 ** 7).map(str), st.integers(0, 10 ** 6).map(lambda n: f"{n:,}".replace(",", " ")),
                        HUGE_NUMBER,
                        st.sampled_from(COUNTS))
    phrase = st.builds(lambda q, n, w: f"{q} {n} {w}".strip(), st.sampled_from(["", "au moins", "plus de", "environ",
                                                                                "entre", "jusqu'à", "pas moins de"]),
                       numbers, st.sampled_from(WEAPONS + ["soldats", "morts", "blessés", ""]))
    return st.one_of(phrase, mutated(phrase), st.text(max_size=60), document_text(3))


# --- markup and corpus records ----------------------------------------------------------------------------------

LABELS = st.sampled_from([*ENTITY_LABELS, "WEAPON", "ATTACK", "BOGUS", "attack", ""])
IDS = st.sampled_from(["a1", "a2", "w1", "b1", "r1", "c1", "x", "a1", "", "1", "w-2", "b.3"])


@st.composite
def markup_line(draw) -> str:
    words = draw(st.lists(st.one_of(st.sampled_from(["Trois", "roquettes", "ont", "visé", "la", "base", "d'Erbil", "."]),
                                    fragment()), max_size=8))
    out = []
    for word in words:
        kind = draw(st.integers(0, 9))
        if kind == 0:
            out.append(f"[{word}]{{{draw(LABELS)} {draw(IDS)}}}")
        elif kind == 1:
            out.append(draw(st.sampled_from(["[", "]", "{", "}", "\\", "\\[", "\\]", "\\{", "\\\\", "]{ATTACK a1}", "[]{WEAPON w1}"])))
        out.append(word)
    return " ".join(out)


@st.composite
def markup_document(draw) -> str:
    lines: List[str] = []
    for _ in range(draw(st.integers(0, 3))):
        doc = [f"##doc {draw(st.sampled_from(['d1', 'd2', 'd1', '', 'x y']))}"]
        if draw(st.booleans()):
            doc.append("##meta " + draw(st.sampled_from(['{"synthetic": true}', '{"date": "2020-01"}', '[1]', '{', '"x"', '{}'])))
        doc += draw(st.lists(markup_line(), max_size=4))
        doc += [f"##rel {draw(IDS)} {draw(st.sampled_from([*RELATION_TYPES, 'NOPE']))} {draw(IDS)}"
                for _ in range(draw(st.integers(0, 3)))]
        if draw(st.integers(0, 5)):
            doc.append("##end")
        lines += doc + [""]
    lines = draw(st.permutations(lines)) if draw(st.integers(0, 7)) == 0 else lines
    extra = draw(st.lists(st.one_of(st.sampled_from(["##end", "##rel a1 USES w1", "# comment", "##doc", "stray text"]),
                                    st.text(max_size=20)), max_size=2))
    return "\n".join(lines + extra)


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70), st.floats(), st.text(max_size=8))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                  st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                           max_leaves=8)


def _maybe(value: st.SearchStrategy) -> st.SearchStrategy:
    """Mostly the right kind of value, sometimes anything JSON can hold."""
    return st.one_of(value, value, value, JSON_VALUES)


@st.composite
def corpus_record(draw) -> Any:
    text = draw(st.one_of(attack_sentence(), document_text(4)))
    n = max(1, len(text))
    offsets = st.one_of(st.integers(0, n), st.integers(-3, n + 3))
    entities = draw(st.lists(st.fixed_dictionaries(
        {"id": _maybe(st.integers(1, 6)), "label": _maybe(LABELS), "start_offset": _maybe(offsets),
         "end_offset": _maybe(offsets)}), max_size=5))
    relations = draw(st.lists(st.fixed_dictionaries(
        {"id": _maybe(st.integers(1, 6)), "from_id": _maybe(st.integers(0, 7)), "to_id": _maybe(st.integers(0, 7)),
         "type": _maybe(st.sampled_from([*RELATION_TYPES, "NOPE"]))}), max_size=4))
    record: Dict[str, Any] = {"text": draw(_maybe(st.just(text))), "entities": draw(_maybe(st.just(entities))),
                              "relations": draw(_maybe(st.just(relations))),
                              "meta": draw(_maybe(st.fixed_dictionaries({"doc_id": _maybe(st.text(max_size=6))})))}
    for key in draw(st.lists(st.sampled_from(list(record)), max_size=2)):
        record.pop(key, None)
    return record if draw(st.integers(0, 9)) else draw(JSON_VALUES)


@st.composite
def corpus_file(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5))
        if kind <= 2:
            lines.append(json.dumps(draw(corpus_record()), ensure_ascii=draw(st.booleans())).encode("utf8"))
        elif kind == 3:
            lines.append(draw(st.binary(max_size=30)))
        elif kind == 4:
            lines.append(draw(st.text(max_size=30)).encode("utf8", "surrogatepass"))
        else:
            lines.append(draw(st.sampled_from([b"", b"   ", b"\xef\xbb\xbf{}", b"\xff\xfe{", b"[]", b"null", b"{\"text\": 1}"])))
    return (b"\xef\xbb\xbf" if draw(st.integers(0, 9)) == 0 else b"") + b"\n".join(lines)


# --- the checks -------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """What one target gave: inputs tried, crashes (with their input) and bad outputs (offsets outside the text)."""
    target: str
    inputs: int = 0
    crashes: List[Dict[str, str]] = field(default_factory=list)
    bad_offsets: List[Dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> Dict[str, Any]:
        return {"inputs": self.inputs, "crashes": len(self.crashes), "bad_offsets": len(self.bad_offsets),
                "seconds": round(self.seconds, 1), "crash_examples": self.crashes[:5],
                "bad_offset_examples": self.bad_offsets[:5]}


def check_quantity(text: str) -> List[str]:
    quantity = parse_quantity(text)
    count_ok = quantity.count is None or (isinstance(quantity.count, int) and quantity.count >= 0)
    return [] if count_ok and quantity.qualifier in QUALIFIERS else [f"bad quantity {quantity}"]


def check_markup(content: str) -> List[str]:
    try:
        records = parse_markup(content, "<fuzz>")
    except CorpusError:
        return []
    problems = [str(p) for record in records for p in validate_record(record, "<fuzz>")]
    for record in records:
        for ent in record["entities"]:
            if not 0 <= ent["start_offset"] < ent["end_offset"] <= len(record["text"]):
                problems.append(f"entity {ent} outside the text (0-{len(record['text'])})")
    return problems


def check_validator(value: Any) -> List[str]:
    """A record or the bytes of a whole file."""
    if isinstance(value, bytes):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "corpus.jsonl"
            path.write_bytes(value)
            try:
                read_records(path)
            except CorpusError:
                pass
        return []
    problems = validate_record(value, "<fuzz>", 1)
    return [] if isinstance(problems, list) else [f"validate_record returned {problems!r}"]


def pipeline_check(nlp) -> Callable[[str], List[str]]:
    def check(text: str) -> List[str]:
        [(_, result)] = list(process_batch(nlp, [("fuzz", text, None, None)], 8))
        return _result_problems(nlp, result, text)
    return check


def _result_problems(nlp, result: Dict[str, Any], text: Optional[str]) -> List[str]:
    """Offset problems of a result; a document that failed in the pipeline is a crash (raised again here)."""
    error = result.get("error")
    if error is not None:
        if "processing failed" in error:
            if text is not None:
                nlp(text)  # the traceback of the failure, when it is not in the joining of chunks
            raise RuntimeError(error)
        return []  # refused with a reason (binary content, unreadable input): what the user should see
    return offset_problems(result, result.get("text", text or ""))


def extract_check(nlp) -> Callable[[Any], List[str]]:
    def check(value: Any) -> List[str]:
        kind, content, name = value
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            documents = list(read_documents([Path(folder)]))
            problems = []
            for document, (_, result) in zip(documents, process_batch(nlp, [d.item() for d in documents], 8)):
                problems += _result_problems(nlp, result, document.text)
            return problems
    return check


@st.composite
def input_file(draw) -> Any:
    """(kind, bytes, file name) of one input file: a .txt (maybe with a date header, maybe not UTF-8) or a JSONL."""
    text = draw(st.one_of(document_text(), document_text(), long_document_text()))
    if draw(st.booleans()):
        header = draw(st.sampled_from([" date 2024-07 \n", " date 2024-13 \n", " date \n", "date 2020-01-05\n"]))
        data = (header + text).encode("utf8", "surrogatepass")
        if draw(st.integers(0, 5)) == 0:
            data = data[:int(draw(zero_to_one) * len(data))] + draw(st.binary(max_size=4)) + data[int(len(data) / 2):]
        return "txt", data, draw(st.sampled_from(["a.txt", "b c.txt", "é.txt", ".txt"]))
    lines = [json.dumps(draw(st.one_of(
        st.fixed_dictionaries({"id": _maybe(st.text(max_size=5)), "text": _maybe(st.just(text))},
                              optional={"date": _maybe(st.sampled_from(["2024-07", "2024-07-16", "hier"])),
                                        "title": _maybe(st.text(max_size=10))}),
        JSON_VALUES)), ensure_ascii=draw(st.booleans())).encode("utf8") for _ in range(draw(st.integers(1, 3)))]
    if draw(st.integers(0, 5)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.binary(max_size=20)))
    return "jsonl", b"\n".join(lines), "docs.jsonl"


def targets(nlp) -> Dict[str, Any]:
    """Target name -> (strategy, check)."""
    return {
        "quantity": (quantity_text(), check_quantity),
        "markup": (markup_document(), check_markup),
        "validator": (st.one_of(corpus_record(), corpus_record(), corpus_file()), check_validator),
        "pipeline": (st.one_of(document_text(), mutated(attack_sentence()), attack_sentence()), pipeline_check(nlp)),
        "extract": (input_file(), extract_check(nlp)),
    }


def run_target(name: str, strategy: st.SearchStrategy, check: Callable[[Any], List[str]], examples: int) -> Outcome:
    """Run `check` on `examples` generated inputs (fewer if hypothesis exhausts the strategy)."""
    outcome = Outcome(name)

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def body(value: Any) -> None:
        outcome.inputs += 1
        try:
            problems = check(value)
        except Exception as err:  # noqa: BLE001 - counted and reported: the run goes on
            frames = [f for f in traceback.extract_tb(err.__traceback__) if "/salve/" in f.filename]
            where = f"{frames[-1].filename.split('/salve/')[-1]}:{frames[-1].lineno}" if frames else "?"
            outcome.crashes.append({"error": f"{type(err).__name__}: {str(err)[:300]}", "where": where,
                                    "input": repr(value)[:500]})
            return
        if problems:
            outcome.bad_offsets.append({"problems": problems[:5], "input": repr(value)[:500]})

    started = time.perf_counter()
    body()
    outcome.seconds = time.perf_counter() - started
    return outcome


def run_fuzz(nlp, examples: int, only: Optional[List[str]] = None) -> Dict[str, Outcome]:
    """Every target (or `only` these) with its share of `examples` (see SHARES)."""
    chosen = targets(nlp)
    names = [n for n in SHARES if not only or n in only]
    total = sum(SHARES[n] for n in names)
    return {name: run_target(name, *chosen[name], max(1, round(examples * SHARES[name] / total))) for name in names}
