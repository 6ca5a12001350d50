"""The course's look: palettes, formatters and figures that tests can draw without a screen."""

import matplotlib
import pandas as pd
import pytest

from helpers import plots, schema


@pytest.mark.parametrize(
    "family, labels",
    [
        ("stage", schema.STAGES),
        ("bond", schema.BOND_LEVELS),
        ("channel", schema.CHANNELS),
        ("segment", schema.SEGMENTS),
        ("acquisition_channel", schema.ACQUISITION_CHANNELS),
    ],
)
def test_every_label_of_the_data_has_its_own_colour(family, labels):
    colours = plots.palette(family, labels)
    assert len(set(colours)) == len(labels)


def test_unknown_label_or_family_is_named_in_the_error():
    with pytest.raises(KeyError, match="fax"):
        plots.palette("channel", ["fax"])
    with pytest.raises(KeyError, match="families"):
        plots.palette("nope")


@pytest.mark.parametrize("value, text", [(1_234_567, "1.2M"), (5_300, "5.3k"), (-2_000, "-2.0k"), (950, "950")])
def test_money_is_compact(value, text):
    assert plots.money(value) == text


def test_labels_read_like_words():
    assert plots.label("face_to_face") == "Face to face"


def test_bar_chart_colours_bars_by_label_and_prints_values():
    plots.use_theme()
    fig = plots.bar_chart(pd.Series({"web": 5, "phone": 3}), family="channel", title="Contacts")
    ax = fig.axes[0]
    colours = [matplotlib.colors.to_hex(p.get_facecolor()).upper() for p in ax.patches]
    assert colours == [plots.PALETTES["channel"]["web"], plots.PALETTES["channel"]["phone"]]
    assert [t.get_text() for t in ax.texts] == ["5", "3"]
    assert ax.get_title(loc="left") == "Contacts"


def test_horizontal_bars_keep_labels_next_to_their_values():
    fig = plots.bar_chart(pd.Series({"web": 5, "phone": 3}), horizontal=True, fmt="percent")
    ax = fig.axes[0]
    pairs = {tick.get_text(): patch.get_width() for tick, patch in zip(ax.get_yticklabels(), ax.patches)}
    assert pairs == {"Phone": 3, "Web": 5}


def test_stacked_shares_use_the_stage_colours():
    shares = pd.DataFrame({"stranger": [0.5, 0.2], "partner": [0.5, 0.8]})
    ax = plots.stacked_share_chart(shares, family="stage").axes[0]
    assert [matplotlib.colors.to_hex(c.get_facecolor()[0]).upper() for c in ax.collections] == plots.palette(
        "stage", ["stranger", "partner"]
    )


def test_theme_rejects_an_unknown_context():
    with pytest.raises(ValueError, match="projector"):
        plots.use_theme("cinema")


def test_rgb_png_round_trips_every_pixel_through_a_png_reader():
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(8)
    rgb = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(plots.rgb_png(rgb))))
    assert decoded.shape == rgb.shape
    assert (decoded == rgb).all()
    with pytest.raises(ValueError, match="8-bit height × width × 3"):
        plots.rgb_png(rgb[..., :2])


def test_figure_png_is_the_drawn_figure():
    import io

    import matplotlib.pyplot as plt
    import numpy as np
    from PIL import Image

    fig = plt.figure(figsize=(2, 1), dpi=50)
    fig.patch.set_facecolor("#0072B2")
    picture = np.asarray(Image.open(io.BytesIO(plots.figure_png(fig))).convert("RGB"))
    plt.close(fig)
    assert picture.shape == (50, 100, 3)
    assert (picture == [0, 0x72, 0xB2]).all()


# Lesson 07's idea diagram: each chain drawn under its own name, with its own stages.
SERVICE_PROFIT_STAGES = [
    "Internal service quality",
    "Employee satisfaction",
    "Employee retention and productivity",
    "External service value",
    "Customer satisfaction",
    "Customer loyalty",
    "Revenue growth and profit",
]
NOTES_STAGES = ["Satisfied employees", "Loyal employees", "Satisfied customers", "Loyal customers"]
NOTES_STAGES_ES = ["empleados satisfechos", "empleados fieles", "clientes satisfechos", "clientes fieles"]


def drawn_texts(fig) -> list[str]:
    """Every text of the diagram's axes, with line breaks read as spaces."""
    return [" ".join(text.get_text().split()) for text in fig.axes[0].texts]


def title(fig) -> str:
    """The diagram's title, wherever the theme places it."""
    return " ".join(fig.axes[0].get_title(loc) for loc in ("left", "center", "right")).strip()


@pytest.mark.parametrize(
    "chain, stages, absent, name",
    [
        ("service-profit", SERVICE_PROFIT_STAGES, NOTES_STAGES, "Heskett et al. (1994): the service-profit chain"),
        ("notes", NOTES_STAGES, SERVICE_PROFIT_STAGES, "the employee–customer chain"),
    ],
)
def test_the_chain_diagram_draws_the_chain_it_names(chain, stages, absent, name):
    import matplotlib.pyplot as plt

    from helpers.plots import satisfaction

    fig = satisfaction.idea_diagram(chain)
    texts = drawn_texts(fig)
    plt.close(fig)
    assert [text for text in texts if text in stages] == stages  # every stage, in the chain's order
    if chain == "notes":
        assert [text for text in texts if text in NOTES_STAGES_ES] == NOTES_STAGES_ES  # the notes' own words
    assert not set(texts) & set(absent)  # and nothing of the other chain
    assert name in title(fig)
    assert any(text.startswith("satisfaction = perception − expectation") for text in texts)


def test_both_chains_are_drawn_each_under_its_own_name():
    import matplotlib.pyplot as plt

    from helpers.plots import satisfaction

    fig = satisfaction.idea_diagram()
    texts = drawn_texts(fig)
    plt.close(fig)
    assert [text for text in texts if text in SERVICE_PROFIT_STAGES] == SERVICE_PROFIT_STAGES
    assert [text for text in texts if text in NOTES_STAGES] == NOTES_STAGES
    headings = [text for text in texts if "chain (" in text]
    assert headings[0].startswith("Heskett et al. (1994): the service-profit chain (cadena de servicio-beneficio)")
    assert headings[1].startswith("The class notes: the employee–customer chain (cadena empleados–clientes)")
    assert title(fig) == "Two chains from employees to customers"
    with pytest.raises(ValueError, match="chain must be one of"):
        satisfaction.idea_diagram("heskett")
