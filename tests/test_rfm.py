"""RFM summary and scores: a small shop checked by hand, a loop-based reference, the first
(pandas group-by) version of rfm_summary as a bit-for-bit reference, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.rfm import (
    RFM_SEGMENTS,
    _amounts,
    _day_numbers,
    _days_per_unit,
    _purchase_days,
    check_rfm_summary,
    rfm_scores,
    rfm_segment_grid,
    rfm_summary,
)
from helpers.validation import refuse_rows, require_columns

# Three customers. Customer 1 buys twice on 1 January (10 + 5 = one purchase day worth 15),
# then on 8 and 15 January; customer 2 buys once; customer 3 buys on 10 and 20 January,
# the last day in the data (at 18:30: the time of day is ignored).
SHOP = pd.DataFrame(
    {
        "customer_id": [1, 1, 1, 1, 2, 3, 3],
        "date": pd.to_datetime(
            [
                "2024-01-01 09:00",
                "2024-01-01 17:00",
                "2024-01-08",
                "2024-01-15",
                "2024-01-05",
                "2024-01-10",
                "2024-01-20 18:30",
            ],
            format="ISO8601",
        ),
        "amount": [10.0, 5.0, 20.0, 30.0, 12.0, 8.0, 16.0],
    }
)


def summary_of(frequency, recency, T, monetary_value, ids=(1, 2, 3)):
    return pd.DataFrame(
        {
            "frequency": np.array(frequency, dtype=np.int64),
            "recency": np.array(recency, dtype=float),
            "T": np.array(T, dtype=float),
            "monetary_value": np.array(monetary_value, dtype=float),
        },
        index=pd.Index(list(ids), name="customer_id"),
    )


def test_summary_of_the_shop_counted_by_hand():
    # Observation ends on 20 January (the last date).
    # 1: purchase days 1, 8, 15 Jan → frequency 2, recency 14, T 19, monetary (20 + 30)/2 = 25
    # 2: one day (5 Jan)           → frequency 0, recency 0,  T 15, monetary 0
    # 3: days 10, 20 Jan           → frequency 1, recency 10, T 10, monetary 16
    expected = summary_of([2, 0, 1], [14, 0, 10], [19, 15, 10], [25, 0, 16])
    pd.testing.assert_frame_equal(rfm_summary(SHOP), expected)


def test_summary_in_weeks_divides_days_by_seven():
    expected = summary_of([2, 0, 1], [2, 0, 10 / 7], [19 / 7, 15 / 7, 10 / 7], [25, 0, 16])
    pd.testing.assert_frame_equal(rfm_summary(SHOP, time_unit="W"), expected)


def test_purchases_after_the_observation_end_are_left_out():
    # Up to 12 January: 1 has days 1, 8 (frequency 1, recency 7, T 11, monetary 20);
    # 2 has 5 Jan (T 7); 3 only 10 Jan (frequency 0, T 2).
    expected = summary_of([1, 0, 0], [7, 0, 0], [11, 7, 2], [20, 0, 0])
    pd.testing.assert_frame_equal(rfm_summary(SHOP, observation_end="2024-01-12"), expected)
    # A customer whose first purchase is after the end is not in the summary at all.
    assert list(rfm_summary(SHOP, observation_end="2024-01-04").index) == [1]


def test_a_later_observation_end_only_ages_the_customers():
    summary = rfm_summary(SHOP, observation_end=pd.Timestamp("2024-01-30"))
    assert summary["T"].tolist() == [29.0, 25.0, 20.0]
    assert summary["frequency"].tolist() == [2, 0, 1]


def test_other_column_names_text_dates_and_string_ids():
    shop = SHOP.rename(columns={"customer_id": "client", "date": "day", "amount": "paid"})
    shop["day"] = shop["day"].dt.strftime("%Y-%m-%d")
    shop["client"] = shop["client"].map({1: "ana", 2: "ben", 3: "carla"})
    summary = rfm_summary(shop, customer_col="client", date_col="day", amount_col="paid")
    assert summary.index.name == "client" and list(summary.index) == ["ana", "ben", "carla"]
    assert summary["monetary_value"].tolist() == [25.0, 0.0, 16.0]


def test_iso_dates_with_and_without_a_time_are_read():
    shop = SHOP.assign(
        date=[
            "2024-01-01 09:00",
            "2024-01-01T17:00",
            "2024-01-08",
            "2024-01-15",
            "2024-01-05",
            "2024-01-10",
            "2024-01-20 18:30:00",
        ]
    )
    pd.testing.assert_frame_equal(rfm_summary(shop), rfm_summary(SHOP))


def test_time_zone_aware_dates_use_the_local_calendar_day():
    shop = SHOP.assign(date=SHOP["date"].dt.tz_localize("Europe/Madrid"))
    pd.testing.assert_frame_equal(rfm_summary(shop), rfm_summary(SHOP))


def test_empty_table_gives_an_empty_summary():
    summary = rfm_summary(SHOP.iloc[:0])
    assert summary.empty and list(summary.columns) == ["frequency", "recency", "T", "monetary_value"]


def reference_summary(transactions: pd.DataFrame, observation_end) -> pd.DataFrame:
    """The definition, one customer at a time with plain Python (slow, obviously right)."""
    rows = {}
    kept = transactions[transactions["date"] <= observation_end]
    for customer, purchases in kept.groupby("customer_id"):
        per_day = purchases.groupby(purchases["date"].dt.normalize())["amount"].sum().sort_index()
        days = list(per_day.index)
        repeat = list(per_day.to_numpy()[1:])
        rows[customer] = {
            "frequency": len(days) - 1,
            "recency": (days[-1] - days[0]).days,
            "T": (observation_end - days[0]).days,
            "monetary_value": sum(repeat) / len(repeat) if repeat else 0.0,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


@settings(max_examples=60, deadline=None)
@given(
    purchases=st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 40), st.integers(1, 50_000), st.integers(0, 23)),
        min_size=1,
        max_size=40,
    ),
    end_offset=st.one_of(st.none(), st.integers(0, 45)),
)
def test_summary_matches_a_customer_by_customer_loop(purchases, end_offset):
    customers, days, cents, hours = zip(*purchases)
    start = pd.Timestamp("2023-03-01")
    transactions = pd.DataFrame(
        {
            "customer_id": customers,
            "date": start + pd.to_timedelta(days, unit="D") + pd.to_timedelta(hours, unit="h"),
            "amount": np.array(cents) / 100,
        }
    )
    end = transactions["date"].max().normalize() if end_offset is None else start + pd.Timedelta(days=end_offset)
    summary = rfm_summary(transactions, observation_end=None if end_offset is None else end)
    expected = reference_summary(transactions, end + pd.Timedelta(hours=23, minutes=59))
    if expected.empty:
        assert summary.empty
        return
    assert list(summary.index) == list(expected.index)
    assert summary["frequency"].tolist() == expected["frequency"].tolist()
    for column in ("recency", "T", "monetary_value"):
        np.testing.assert_allclose(summary[column], expected[column].astype(float), rtol=1e-12)


# --- the first version, kept as the reference: same output, bit for bit --------------------


def first_version_rfm_summary(
    transactions, customer_col="customer_id", date_col="date", amount_col="amount", observation_end=None, time_unit="D"
):
    """rfm_summary as first written (two pandas group-bys), with the module's own input checks."""
    days_per_unit = _days_per_unit(time_unit)
    require_columns("transactions", transactions, (customer_col, date_col, amount_col))
    customers = transactions[customer_col]
    refuse_rows("transactions", customer_col, transactions, customers.isna(), "have no customer id")
    days = _purchase_days(transactions, date_col)
    amounts = _amounts(transactions, amount_col)

    if observation_end is not None:
        try:
            end = pd.Timestamp(observation_end)
        except (TypeError, ValueError) as error:
            raise ValueError(f"observation_end {observation_end!r} is not a date") from error
        if pd.isna(end):
            raise ValueError(f"observation_end {observation_end!r} is not a date")
        end_day = _day_numbers(pd.DatetimeIndex([end]))[0]
    elif len(days):
        end_day = days.max()
    else:
        end_day = 0
    observed = days <= end_day

    daily = (
        pd.DataFrame({"customer": customers.to_numpy()[observed], "day": days[observed], "amount": amounts[observed]})
        .groupby(["customer", "day"], sort=True, observed=True)["amount"]
        .sum()
        .reset_index()
    )
    first_day_of_customer = ~daily["customer"].duplicated().to_numpy()
    daily["repeat_amount"] = np.where(first_day_of_customer, 0.0, daily["amount"].to_numpy())
    per_customer = daily.groupby("customer", sort=True, observed=True).agg(
        first_day=("day", "min"),
        last_day=("day", "max"),
        purchase_days=("day", "size"),
        repeat_total=("repeat_amount", "sum"),
    )

    frequency = per_customer["purchase_days"].to_numpy() - 1
    return pd.DataFrame(
        {
            "frequency": frequency.astype(np.int64),
            "recency": (per_customer["last_day"] - per_customer["first_day"]).to_numpy(float) / days_per_unit,
            "T": (end_day - per_customer["first_day"]).to_numpy(float) / days_per_unit,
            "monetary_value": np.divide(
                per_customer["repeat_total"].to_numpy(), frequency, out=np.zeros(len(frequency)), where=frequency > 0
            ),
        },
        index=per_customer.index.rename(customer_col),
    )


def assert_same_bits(new: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Same index (values, dtype, name), columns, dtypes and float bits (0.0 is not -0.0)."""
    pd.testing.assert_frame_equal(new, reference, check_exact=True)
    assert new.index.dtype == reference.index.dtype and new.index.name == reference.index.name
    for column in reference.columns:
        assert new[column].dtype == reference[column].dtype
        bits, expected_bits = new[column].to_numpy().view(np.int64), reference[column].to_numpy().view(np.int64)
        assert np.array_equal(bits, expected_bits), column


def assert_as_first_version(transactions: pd.DataFrame, **options) -> None:
    for time_unit in ("D", "W"):
        assert_same_bits(
            rfm_summary(transactions, time_unit=time_unit, **options),
            first_version_rfm_summary(transactions, time_unit=time_unit, **options),
        )


def random_transactions(seed: int, rows: int, customers: int, days: int) -> pd.DataFrame:
    """Random sales: amounts of every size (so the order of additions shows in the last
    bits), some returns (negative amounts), times of day, a few customers buying very often."""
    rng = np.random.default_rng(seed)
    amounts = rng.gamma(2.0, 25.0, rows) * 10.0 ** rng.integers(-4, 9, rows)
    amounts[rng.random(rows) < 0.05] *= -1  # returns
    return pd.DataFrame(
        {
            "customer_id": rng.zipf(1.3, rows) % customers if seed % 2 else rng.integers(0, customers, rows),
            "date": np.datetime64("2023-01-01T00:00", "s")
            + rng.integers(0, days * 86_400, rows).astype("timedelta64[s]"),
            "amount": amounts,
        }
    )


@pytest.mark.parametrize(
    "seed, rows, customers, days",
    [
        (1, 1, 1, 1),  # one purchase
        (2, 40, 1, 30),  # one customer
        (3, 500, 60, 1),  # everything on one day
        (4, 3_000, 400, 90),  # mostly one purchase a day
        (5, 5_000, 30, 20),  # many purchases a day (long runs of additions)
        (6, 20_000, 5_000, 1_000),
        (7, 20_000, 3, 2),  # runs of thousands of purchases on one day
    ],
)
@pytest.mark.parametrize("observation_end", [None, "2023-01-15", "2023-06-30 12:00", "2030-01-01"])
def test_summary_equals_the_first_version_bit_for_bit(seed, rows, customers, days, observation_end):
    transactions = random_transactions(seed, rows, customers, days)
    assert_as_first_version(transactions, observation_end=observation_end)
    # Rows already sorted by customer and day take pandas' other way of adding (reduceat).
    assert_as_first_version(
        transactions.sort_values(["customer_id", "date"], kind="stable"), observation_end=observation_end
    )


def test_one_long_run_among_short_ones_equals_the_first_version():
    # 30,000 purchases of one customer on one day, shuffled among 10,000 others: the long
    # run is added in Python after the short ones are done.
    rng = np.random.default_rng(11)
    others = random_transactions(12, 10_000, 2_000, 200)
    heavy = pd.DataFrame(
        {
            "customer_id": 7,
            "date": np.datetime64("2023-03-03T10:00", "s"),
            "amount": rng.normal(0, 1, 30_000) * 10.0 ** rng.integers(-3, 7, 30_000),
        }
    )
    transactions = pd.concat([others, heavy]).sample(frac=1.0, random_state=3)
    assert_as_first_version(transactions)


def test_keys_too_wide_to_pack_are_sorted_another_way(monkeypatch):
    # (customer, day, row) fit in 63 bits below about 8 million rows over centuries; past
    # that, a stable argsort of (customer, day) orders the rows instead, with the same result.
    monkeypatch.setattr("helpers.rfm._KEY_BITS", 8)
    for seed in (4, 5, 7):
        assert_as_first_version(random_transactions(seed, 5_000, 300, 90))


def test_the_transactions_are_left_unchanged():
    transactions = random_transactions(9, 2_000, 100, 50)
    before = transactions.copy()
    rfm_summary(transactions, observation_end="2023-02-01")
    rfm_summary(transactions.sort_values(["customer_id", "date"]))
    pd.testing.assert_frame_equal(transactions, before, check_exact=True)


@pytest.mark.parametrize(
    "ids",
    [
        lambda c: c.astype("int32"),
        lambda c: c.astype("uint64") * np.uint64(2**61),  # ids too sparse to count
        lambda c: -c * 10**12,
        lambda c: c.astype(float) / 4,
        lambda c: "C" + c.astype(str).str.zfill(3),  # text (str dtype)
        lambda c: ("C" + c.astype(str)).astype(object),
        lambda c: c.astype(object),  # object integers
        lambda c: (
            ("C" + c.astype(str))
            .astype("category")
            .cat.reorder_categories(sorted(set("C" + c.astype(str)), reverse=True))
        ),  # categories not in order
        lambda c: c.astype("category"),
        lambda c: c.astype("Int64"),
        lambda c: c % 2 == 0,
        lambda c: pd.to_datetime(c, unit="D"),
        lambda c: pd.Series(np.where(c % 3 == 0, c, "x" + c.astype(str)), dtype=object),  # mixed
    ],
)
def test_customer_ids_of_every_kind_give_the_first_version_index(ids):
    transactions = random_transactions(8, 2_000, 50, 60)
    transactions["customer_id"] = ids(transactions["customer_id"])
    assert_as_first_version(transactions)
    assert_as_first_version(transactions, observation_end="2023-01-20")
    assert_as_first_version(transactions.iloc[:0])
    assert_as_first_version(transactions, observation_end="2022-12-01")  # nothing observed


def test_text_dates_time_zones_and_shop_examples_equal_the_first_version():
    shop = SHOP.assign(date=SHOP["date"].dt.strftime("%Y-%m-%d %H:%M"))
    assert_as_first_version(shop)
    assert_as_first_version(SHOP.assign(date=SHOP["date"].dt.tz_localize("Europe/Madrid")))
    assert_as_first_version(SHOP, observation_end=pd.Timestamp("2024-01-12"))
    assert_as_first_version(SHOP.assign(amount=[-0.0, 0.0, -0.0, 5.0, -0.0, -0.0, 0.0]))  # signed zeros


@pytest.mark.parametrize("seed", range(6))
def test_sums_beyond_the_largest_float_equal_the_first_version(seed):
    # Days whose total overflows to +inf, -inf or NaN (+inf and -inf added): pandas then
    # adds the repeat days with its other method, skipping NaN.
    rng = np.random.default_rng(seed)
    transactions = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 2, 80),
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 2, 80), unit="D"),
            "amount": rng.choice([1e308, -1e308, 1.0], 80),
        }
    )
    with np.errstate(over="ignore", invalid="ignore"):
        assert_as_first_version(transactions)
        assert_as_first_version(transactions.sort_values(["customer_id", "date"], kind="stable"))


@settings(max_examples=80, deadline=None)
@given(
    purchases=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 9), st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False)),
        min_size=1,
        max_size=120,
    ),
    end_offset=st.one_of(st.none(), st.integers(0, 12)),
)
def test_summary_equals_the_first_version_on_any_small_table(purchases, end_offset):
    customers, days, amounts = zip(*purchases)
    transactions = pd.DataFrame(
        {
            "customer_id": customers,
            "date": pd.Timestamp("2024-02-01") + pd.to_timedelta(days, unit="D"),
            "amount": amounts,
        }
    )
    end = None if end_offset is None else pd.Timestamp("2024-02-01") + pd.Timedelta(days=end_offset)
    assert_as_first_version(transactions, observation_end=end)


# --- bad input ---------------------------------------------------------------------------


def test_missing_column_lists_the_columns_present():
    with pytest.raises(ValueError, match=r"missing column\(s\) \['amount'\]; it has \['customer_id', 'date'\]"):
        rfm_summary(SHOP.drop(columns="amount"))


def test_unreadable_and_missing_dates_are_shown():
    shop = SHOP.assign(date=SHOP["date"].dt.strftime("%Y-%m-%d"))
    shop.loc[4, "date"] = "31/31/2024"
    shop.loc[6, "date"] = None
    with pytest.raises(ValueError, match=r"transactions\.date: 2 row\(s\).*\n(.|\n)*31/31/2024") as error:
        rfm_summary(shop)
    assert "First bad rows" in str(error.value)


def test_numbers_are_not_taken_for_dates():
    with pytest.raises(ValueError, match=r"transactions\.date must hold dates, not numbers"):
        rfm_summary(SHOP.assign(date=range(len(SHOP))))


def test_non_numeric_and_missing_amounts_are_shown():
    shop = SHOP.assign(amount=SHOP["amount"].astype(object))
    shop.loc[2, "amount"] = "twenty"
    with pytest.raises(ValueError, match=r"transactions\.amount: 1 row\(s\)(.|\n)*twenty"):
        rfm_summary(shop)
    with pytest.raises(ValueError, match=r"transactions\.amount: 1 row\(s\)"):
        rfm_summary(SHOP.assign(amount=[10.0, np.nan, 20, 30, 12, 8, 16]))


def test_missing_customer_ids_unknown_time_unit_and_bad_observation_end():
    with pytest.raises(ValueError, match=r"transactions\.customer_id: 1 row\(s\) have no customer id"):
        rfm_summary(SHOP.assign(customer_id=[1, 1, None, 1, 2, 3, 3]))
    with pytest.raises(ValueError, match=r"unknown time_unit 'M'; use one of \['D', 'W'\]"):
        rfm_summary(SHOP, time_unit="M")
    with pytest.raises(ValueError, match=r"observation_end 'soon' is not a date"):
        rfm_summary(SHOP, observation_end="soon")


def test_check_rfm_summary_names_the_rule_and_rows():
    good = summary_of([2, 0, 1], [14, 0, 10], [19, 15, 10], [25, 0, 16])
    assert check_rfm_summary(good, monetary=True) is good
    with pytest.raises(ValueError, match=r"summary\.recency: 1 row\(s\) are outside \[0, T\]"):
        check_rfm_summary(good.assign(recency=[14, 0, 11]))
    with pytest.raises(ValueError, match=r"summary\.frequency: 1 row\(s\) are not whole numbers"):
        check_rfm_summary(good.assign(frequency=[2, 0, 1.5]))
    with pytest.raises(ValueError, match=r"summary\.recency: 1 row\(s\) have frequency 0"):
        check_rfm_summary(good.assign(recency=[14, 3, 10]))
    with pytest.raises(ValueError, match=r"missing column\(s\) \['monetary_value'\]"):
        check_rfm_summary(good.drop(columns="monetary_value"), monetary=True)


# --- scores and segments -----------------------------------------------------------------

# Five customers with distinct values: each gets a different score on each letter.
# Time since the last purchase T − recency: 100, 80, 5, 25, 140 → R = 2, 3, 5, 4, 1.
# Frequency 0, 3, 8, 1, 5 → F = 1, 3, 5, 2, 4.  Monetary 0, 40, 35, 20, 60 → M = 1, 4, 3, 2, 5.
FIVE = summary_of(
    [0, 3, 8, 1, 5], [0, 20, 90, 5, 60], [100, 100, 95, 30, 200], [0, 40, 35, 20, 60], ids=[1, 2, 3, 4, 5]
)


def test_scores_cells_and_segments_of_five_customers_by_hand():
    scores = rfm_scores(FIVE)
    assert scores["R"].tolist() == [2, 3, 5, 4, 1]
    assert scores["F"].tolist() == [1, 3, 5, 2, 4]
    assert scores["M"].tolist() == [1, 4, 3, 2, 5]
    assert scores["rfm_cell"].tolist() == ["211", "334", "553", "422", "145"]
    # Grid: (R2, F1) hibernating, (R3, F3) need attention, (R5, F5) champions,
    # (R4, F2) potential loyalists, (R1, F4) at risk.
    assert scores["segment"].tolist() == [
        "hibernating",
        "need attention",
        "champions",
        "potential loyalists",
        "at risk",
    ]
    assert list(scores["segment"].cat.categories) == list(RFM_SEGMENTS)
    assert scores["time_since_last_purchase"].tolist() == [100, 80, 5, 25, 140]


def test_scores_from_transactions_equal_scores_from_their_summary():
    pd.testing.assert_frame_equal(rfm_scores(SHOP, time_unit="W"), rfm_scores(rfm_summary(SHOP, time_unit="W")))


@settings(max_examples=80, deadline=None)
@given(values=st.lists(st.integers(0, 6), min_size=2, max_size=300))
def test_default_scores_equal_qcut_of_first_ranks_even_with_many_ties(values):
    frequency = pd.Series(values, dtype=float)
    summary = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": np.where(frequency > 0, 5.0, 0.0),
            "T": 10.0,
            "monetary_value": frequency * 10,
        }
    )
    scores = rfm_scores(summary)
    expected = pd.qcut(frequency.rank(method="first"), 5, labels=False) + 1
    assert scores["F"].tolist() == expected.tolist()


def test_first_ranks_make_equal_groups_and_shared_ranks_keep_ties_together():
    # 100 customers, 60 without a repeat purchase.
    frequency = np.r_[np.zeros(60), np.arange(1, 41)]
    summary = pd.DataFrame(
        {"frequency": frequency, "recency": np.minimum(frequency, 1.0), "T": 50.0, "monetary_value": frequency}
    )
    first = rfm_scores(summary)["F"].value_counts().sort_index()
    assert first.tolist() == [20, 20, 20, 20, 20]
    shared = rfm_scores(summary, ties="shared")["F"]
    # Every one-time buyer shares F = 1; the others sit above 60/99 of the customers:
    # positions 60/99…99/99 → F 4 up to position 0.8 (k ≤ 79), F 5 above.
    assert (shared[:60] == 1).all()
    assert shared.value_counts().sort_index().to_dict() == {1: 60, 4: 20, 5: 20}


def test_explicit_cutoffs_make_a_small_top_group():
    # 100 distinct values, positions k/99: ≤ 0.5 → 50 customers, ≤ 0.8 → 30, ≤ 0.9 → 10,
    # ≤ 0.95 → 5, above → 5.
    values = np.arange(100.0)
    summary = pd.DataFrame(
        {"frequency": values, "recency": np.minimum(values, 1.0), "T": 200.0, "monetary_value": values}
    )
    scores = rfm_scores(summary, cutoffs={"M": [0.5, 0.8, 0.9, 0.95]})
    assert scores["M"].value_counts().sort_index().tolist() == [50, 30, 10, 5, 5]
    assert scores["F"].value_counts().sort_index().tolist() == [20, 20, 20, 20, 20]
    three = rfm_scores(
        summary,
        cutoffs=[1 / 3, 2 / 3],
        segment_grid=pd.DataFrame("anyone", index=pd.Index([1, 2, 3], name="R"), columns=pd.Index([1, 2, 3], name="F")),
    )
    assert sorted(three["F"].unique()) == [1, 2, 3] and set(three["segment"]) == {"anyone"}


NINE_BY_NINE = pd.DataFrame(
    np.arange(81).reshape(9, 9) % 7, index=pd.Index(range(9, 0, -1), name="R"), columns=pd.Index(range(1, 10), name="F")
)
THREE_BY_THREE = pd.DataFrame(
    [["b", "a", "c"], ["a", "a", "b"], ["d", "b", "c"]],
    index=pd.Index([3, 2, 1], name="R"),
    columns=pd.Index([2, 1, 3], name="F"),
)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ties": "shared"},
        {"bins": 9, "segment_grid": NINE_BY_NINE},
        {"cutoffs": [0.5, 0.9], "segment_grid": THREE_BY_THREE},
    ],
)
def test_cells_and_segments_spell_out_the_scores_as_the_first_version_did(options):
    scores = rfm_scores(rfm_summary(random_transactions(6, 20_000, 5_000, 1_000)), **options)
    cells = scores["R"].astype(str) + scores["F"].astype(str) + scores["M"].astype(str)
    pd.testing.assert_series_equal(scores["rfm_cell"], cells, check_names=False)
    grid = options.get("segment_grid", rfm_segment_grid())
    names = grid.to_numpy()[grid.index.get_indexer(scores["R"]), grid.columns.get_indexer(scores["F"])]
    categories = list(dict.fromkeys(grid.to_numpy().ravel())) if "segment_grid" in options else RFM_SEGMENTS
    expected = pd.Series(pd.Categorical(names, categories=categories), index=scores.index, name="segment")
    pd.testing.assert_series_equal(scores["segment"], expected)


def test_the_default_grid_names_every_pair_with_a_known_segment():
    grid = rfm_segment_grid()
    assert grid.shape == (5, 5) and set(grid.to_numpy().ravel()) == set(RFM_SEGMENTS)
    assert grid.loc[1, 1] == "lost" and grid.loc[1, 5] == "can't lose them" and grid.loc[5, 1] == "new"


def test_bad_score_options_are_refused():
    with pytest.raises(ValueError, match="increasing quantiles"):
        rfm_scores(FIVE, cutoffs=[0.6, 0.4])
    with pytest.raises(ValueError, match="increasing quantiles"):
        rfm_scores(FIVE, cutoffs=[0.0, 0.5])
    with pytest.raises(ValueError, match="cutoffs keys must be"):
        rfm_scores(FIVE, cutoffs={"X": [0.5]})
    with pytest.raises(ValueError, match="bins must be a whole number from 2 to 9"):
        rfm_scores(FIVE, bins=12)
    with pytest.raises(ValueError, match="ties must be"):
        rfm_scores(FIVE, ties="random")
    with pytest.raises(ValueError, match="pass a segment_grid"):
        rfm_scores(FIVE, bins=3)
