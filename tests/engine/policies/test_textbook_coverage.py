"""Every case of the shared stockpyl reference file is checked by some policy test."""

from __future__ import annotations

COVERED = {
    "newsvendor_normal": "test_single_stage",
    "newsvendor_normal_with_lead_time": "test_single_stage",
    "newsvendor_normal_explicit_profit": "test_single_stage",
    "newsvendor_poisson": "test_single_stage",
    "newsvendor_discrete_custom_pmf": "test_single_stage",
    "newsvendor_lognormal": "test_single_stage",
    "eoq": "test_single_stage",
    "eoq_with_backorders": "test_single_stage",
    "sS_exact_poisson_zheng_federgruen": "test_ss_rq",
    "sS_power_approximation_normal": "test_ss_rq",
    "rQ_exact_poisson_federgruen_zheng": "test_ss_rq",
    "rQ_normal": "test_ss_rq",
    "wagner_whitin": "test_lot_sizing",
    "serial_SSM_chen_zheng_optimal_echelon_base_stock": "test_serial",
    "serial_SSM_chen_zheng_explicit_params": "test_serial",
    "GSM_tree_graves_willems_optimal_CST": "test_gsm",
    "GSM_serial_optimal_CST": "test_gsm",
}


def test_every_reference_case_kind_is_covered(textbook):
    assert set(textbook) == set(COVERED)
    assert sum(len(cases) for cases in textbook.values()) == 37
