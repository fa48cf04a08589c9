from salve.pipeline.scoring import align_entities, count_entities, count_relations, prf, summarise


def test_prf_edge_cases():
    assert prf(0, 0, 0)["f"] == 0.0
    assert prf(3, 0, 0)["f"] == 1.0
    assert round(prf(1, 1, 1)["f"], 3) == 0.5


def test_overlap_matching_is_one_to_one():
    gold = [(0, 10, "WEAPON"), (12, 20, "WEAPON")]
    pred = [(0, 20, "WEAPON")]
    assert len(align_entities(gold, pred, "overlap")) == 1
    counts = count_entities(gold, pred, "overlap")
    assert counts["WEAPON"] == {"tp": 1, "fn": 1}
    assert count_entities(gold, pred, "exact")["WEAPON"] == {"fp": 1, "fn": 2}


def test_relations_count_spurious_pairs_as_false_positives():
    gold = [((0, 4), (5, 9), "USES")]
    pred = [((0, 4), (5, 9), "USES"), ((0, 4), (10, 14), "TARGETS"), ((0, 4), (5, 9), "USES")]
    counts = count_relations(gold, pred)
    assert counts["USES"] == {"tp": 1, "fp": 1}
    assert counts["TARGETS"] == {"fp": 1}
    scores = summarise(counts, ["USES", "TARGETS"])
    assert scores["micro"]["tp"] == 1 and scores["micro"]["fp"] == 2


def test_relation_overlap_mode_maps_endpoints_through_entities():
    gold_ents = [(0, 4, "ATTACK"), (5, 15, "WEAPON")]
    pred_ents = [(0, 4, "ATTACK"), (8, 15, "WEAPON")]
    gold = [((0, 4), (5, 15), "USES")]
    pred = [((0, 4), (8, 15), "USES")]
    assert count_relations(gold, pred, gold_ents, pred_ents, "exact")["USES"] == {"fp": 1, "fn": 1}
    assert count_relations(gold, pred, gold_ents, pred_ents, "overlap")["USES"] == {"tp": 1}
