"""The tables of the course's company: their columns, types, units and meanings.

This is the single description of the data. The generator writes these columns, the
loader reads them with these types, and ``datasets/README.md`` (the data dictionary)
is rendered from here, so the three cannot drift apart.

Types are pandas dtypes as the loader returns them:
``int64``, ``float64``, ``bool``, ``datetime64[ns]`` (dates) and ``category``
(a fixed set of labels, listed in ``CATEGORIES``).
"""

from __future__ import annotations

from dataclasses import dataclass

from helpers.glossary import spanish


@dataclass(frozen=True)
class Column:
    """One column of a table: its name, pandas dtype, unit, meaning and Spanish term."""

    name: str
    dtype: str
    unit: str
    meaning: str
    spanish: str
    nullable: bool = False


STAGES = ("stranger", "acquaintance", "friend", "partner")
BOND_LEVELS = ("financial", "social", "customization", "structural")
CHANNELS = ("web", "phone", "email", "face_to_face")
SEGMENTS = ("B2C", "B2B")
ACQUISITION_CHANNELS = ("search_ads", "social_media", "referral", "trade_fair", "sales_team")
REGIONS = ("north", "south", "east", "west", "centre")
CATEGORIES_OF_PRODUCT = ("basics", "accessories", "premium", "services", "subscriptions")
PROMOTIONS = ("none", "discount", "bundle", "loyalty_reward")
INTERACTION_TYPES = ("purchase", "service_request", "complaint", "inquiry")
CHURN_REASONS = (
    "price",
    "competitor_offer",
    "poor_service",
    "unresolved_complaint",
    "product_fit",
    "no_longer_needed",
)
COMPANY_SIZES = ("1-9", "10-49", "50-249", "250+")

#: The allowed labels of every ``category`` column, in their natural order.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "segment": SEGMENTS,
    "region": REGIONS,
    "acquisition_channel": ACQUISITION_CHANNELS,
    "company_size": COMPANY_SIZES,
    "category": CATEGORIES_OF_PRODUCT,
    "channel": CHANNELS,
    "promotion": PROMOTIONS,
    "type": INTERACTION_TYPES,
    "level": BOND_LEVELS,
    "reason": CHURN_REASONS,
    "stage": STAGES,
}

C = Column
TABLES: dict[str, tuple[Column, ...]] = {
    "customers": (
        C("customer_id", "int64", "", "Unique customer number", "identificador del cliente"),
        C(
            "signup_date",
            "datetime64[ns]",
            "date",
            "Day the customer joined (first contact registered)",
            "fecha de alta",
        ),
        C("acquisition_channel", "category", "", "How the customer was acquired", "canal de captación"),
        C("acquisition_cost", "float64", "currency", "What acquiring this customer cost", spanish("acquisition cost")),
        C("segment", "category", "", "Consumer (B2C) or business (B2B) customer", spanish("segment")),
        C("region", "category", "", "Region where the customer lives or operates", "región"),
        C("age", "float64", "years", "Age at signup (consumers only; empty for businesses)", "edad", nullable=True),
        C(
            "company_size",
            "category",
            "employees",
            "Size band of the business (businesses only)",
            "tamaño de la empresa",
            nullable=True,
        ),
        C("employee_id", "int64", "", "The employee who serves this customer", "empleado asignado"),
    ),
    "transactions": (
        C("transaction_id", "int64", "", "Unique transaction number", "identificador de la transacción"),
        C("customer_id", "int64", "", "Who bought", "cliente"),
        C("date", "datetime64[ns]", "date", "Day of the purchase", "fecha"),
        C("category", "category", "", "Product category", "categoría de producto"),
        C("amount", "float64", "currency", "Price paid, after any discount", "importe"),
        C("cost", "float64", "currency", "Cost of goods sold; margin = amount − cost", "costo"),
        C("channel", "category", "", "Where the purchase was made", "canal"),
        C("promotion", "category", "", "Promotion used ('none' if none)", "promoción"),
    ),
    "interactions": (
        C("interaction_id", "int64", "", "Unique interaction number", "identificador de la interacción"),
        C("customer_id", "int64", "", "Customer involved", "cliente"),
        C("date", "datetime64[ns]", "date", "Day of the contact", "fecha"),
        C("channel", "category", "", "Contact channel", "canal de contacto"),
        C("type", "category", "", "Reason for the contact", "tipo de contacto"),
        C("employee_id", "int64", "", "Employee who handled the contact", "empleado"),
        C("resolved", "bool", "", "Whether the request was resolved at this contact", "resuelto"),
        C(
            "rating",
            "int64",
            "1–5",
            "Customer's rating of this moment of truth (5 = excellent)",
            "valoración del momento de la verdad",
        ),
    ),
    "surveys": (
        C("survey_id", "int64", "", "Unique survey answer number", "identificador de la encuesta"),
        C("customer_id", "int64", "", "Customer who answered", "cliente"),
        C("date", "datetime64[ns]", "date", "Day of the answer", "fecha"),
        C(
            "satisfaction",
            "int64",
            "1–5",
            "Overall satisfaction: 1 completely dissatisfied … 5 completely satisfied",
            spanish("satisfaction"),
        ),
        C("recommend", "int64", "0–10", "Likelihood to recommend (the NPS question)", "probabilidad de recomendar"),
        C("trust", "int64", "1–5", "Trust in the company", spanish("trust")),
        C("commitment", "int64", "1–5", "Commitment to continue the relationship", spanish("commitment")),
        C("expectation", "int64", "1–7", "Service the customer expected", spanish("expectation")),
        C("perception", "int64", "1–7", "Service the customer perceived", spanish("perception")),
    ),
    "bonds": (
        C("bond_id", "int64", "", "Unique enrolment number", "identificador del vínculo"),
        C("customer_id", "int64", "", "Customer enrolled", "cliente"),
        C("level", "category", "", "Level of the retention bond", "nivel del vínculo"),
        C("start_date", "datetime64[ns]", "date", "Day the enrolment started", "fecha de inicio"),
        C(
            "cost_per_month",
            "float64",
            "currency/month",
            "What the programme costs the company for this customer",
            spanish("cost per month"),
        ),
    ),
    "churn": (
        C("customer_id", "int64", "", "Customer who left", "cliente"),
        C("date", "datetime64[ns]", "date", "Day the customer was recorded as lost", "fecha de baja"),
        C("reason", "category", "", "Primary reason given or recorded", "motivo de abandono"),
    ),
    "employees": (
        C("employee_id", "int64", "", "Unique employee number", "identificador del empleado"),
        C(
            "satisfaction",
            "float64",
            "1–5",
            "Job satisfaction from the internal survey",
            spanish("employee satisfaction"),
        ),
        C("tenure_months", "int64", "months", "Months with the company at the end of the data", "antigüedad"),
    ),
}

#: Ground-truth tables that only the simulation knows (written under ``truth/``).
TRUTH_TABLES: dict[str, tuple[Column, ...]] = {
    "stage_history": (
        C("customer_id", "int64", "", "Customer", "cliente"),
        C("date", "datetime64[ns]", "date", "First day of the month in which the customer entered this stage", "fecha"),
        C("stage", "category", "", "Latent relationship stage from that month on", "etapa de la relación"),
    ),
    "customer_traits": (
        C("customer_id", "int64", "", "Customer", "cliente"),
        C(
            "service_quality",
            "float64",
            "0–1",
            "Latent quality of the service this customer receives",
            "calidad del servicio",
        ),
        C("spend_level", "float64", "multiplier", "Latent spending level (1 = average)", "nivel de gasto"),
        C(
            "base_churn",
            "float64",
            "per month",
            "Monthly churn hazard before stage, satisfaction and bonds",
            "riesgo base de abandono",
        ),
    ),
}
