"""The course glossary: every key term in English, its Spanish equivalent, and a definition.

Lesson 00 shows the whole glossary; each later lesson shows its own key terms with
``terms(lesson=N)``, so a term is defined once for the whole course.
"""

from __future__ import annotations

import pandas as pd

from helpers.i18n import N_, _, language

# (lesson where the term is introduced, English, Spanish, definition)
_TERMS: tuple[tuple[int, str, str, str], ...] = (
    (
        0,
        "relationship marketing",
        "marketing relacional",
        "Managing the company around keeping and growing its current customers, not only winning new ones.",
    ),
    (
        0,
        "customer relationship management (CRM)",
        "gestión de las relaciones con los clientes",
        "The strategy, people, processes and technology a company uses to know, serve and keep its customers.",
    ),
    (
        0,
        "retention",
        "retención",
        "Keeping a customer from one period to the next; the retention rate is the share kept.",
    ),
    (
        0,
        "churn, defection",
        "abandono, deserción",
        "A customer ending the relationship; the churn rate is the share lost in a period.",
    ),
    (
        0,
        "loyalty",
        "fidelidad, lealtad",
        "A customer's repeated choice of the company, in behaviour (buying again) and in attitude (preferring it).",
    ),
    (0, "satisfaction", "satisfacción", "How the service the customer perceived compares with what they expected."),
    (
        1,
        "stranger",
        "extraño",
        "A customer in the first stage of the relationship, who knows little of the company and is won so far by "
        "the offer's attractiveness alone, not yet by satisfaction, trust or commitment; the goal is to acquire "
        "their business (Johnson & Selnes 2004). In the class notes a stranger has not bought yet; in this course "
        "every new customer starts as one, so a stranger may already have bought.",
    ),
    (1, "acquaintance", "conocido", "A customer who knows the company and buys from it; the goal is to satisfy them."),
    (1, "friend", "amigo", "A customer who trusts the company's distinct offer; the goal is to retain them."),
    (
        1,
        "partner",
        "socio",
        (
            "A committed customer with a personalised offer and shared investments; the goal is to enhance the "
            "relationship."
        ),
    ),
    (1, "trust", "confianza", "The customer's confidence that the company will keep its promises."),
    (1, "commitment", "compromiso", "The customer's wish to keep the relationship going, even at some cost."),
    (
        1,
        "migration (transition) matrix",
        "matriz de migración (de transición)",
        "For each stage at the start of a period, the share of customers in each stage, or lost, at its end.",
    ),
    (
        1,
        "Markov chain",
        "cadena de Markov",
        "A model in which where a customer goes next depends only on where they are now.",
    ),
    (1, "absorbing state", "estado absorbente", "A state nobody leaves; here, 'lost' (perdido)."),
    (
        1,
        "steady state",
        "estado estacionario",
        "The level or mix a system settles into when the same flows repeat period after period.",
    ),
    (
        1,
        "confusion matrix",
        "matriz de confusión",
        "Counts of customers by true stage (rows) and assigned stage (columns).",
    ),
    (
        1,
        "prospect",
        "cliente potencial",
        (
            "Someone who has never bought from the company: in the class notes the stranger is one; in the data "
            "there is no such customer yet."
        ),
    ),
    (
        1,
        "duration and depth",
        "duración y profundidad",
        (
            "The two dimensions along which relationship marketing grows a relationship: how long it lasts and how "
            "much it holds (purchases, information, trust)."
        ),
    ),
    (
        1,
        "target segment",
        "segmento del mercado meta",
        (
            "The group of the market a company chooses to serve; relationships are built with customers of the "
            "segments chosen first."
        ),
    ),
    (
        2,
        "retention bond",
        "vínculo (bono) de retención",
        "A tie that gives the customer a reason to stay: financial, social or structural (Berry & Parasuraman's "
        "three levels), and customization (added by Zeithaml & Bitner).",
    ),
    (
        2,
        "financial bond",
        "vínculo financiero",
        "Price incentives for staying: volume discounts, rewards, bundles, price guarantees. Easy to copy.",
    ),
    (
        2,
        "social bond",
        "vínculo social",
        "Personal attention and relationships between the customer and the company's people, or among customers.",
    ),
    (
        2,
        "customization bond",
        "vínculo de personalización",
        "A service adapted to the customer's own needs, one to one or by mass customization; the level Zeithaml & "
        "Bitner add between the social and the structural.",
    ),
    (
        2,
        "structural bond",
        "vínculo estructural",
        "The service built into the customer's own systems or processes; the hardest bond to copy or to leave.",
    ),
    (
        2,
        "mass customization",
        "personalización masiva",
        "Flexible processes that tailor a service to each customer at the price of a standard one.",
    ),
    (
        2,
        "monthly churn rate (hazard)",
        "tasa mensual de abandono (riesgo)",
        "Customers lost per customer-month at risk.",
    ),
    (
        2,
        "survival curve",
        "curva de supervivencia",
        "The share of customers still with the company t months after signup.",
    ),
    (
        2,
        "right censoring",
        "censura por la derecha",
        "A customer still active when the data ends: we only know they stayed at least this long.",
    ),
    (2, "cohort", "cohorte", "The customers who signed up in the same month."),
    (
        2,
        "selection bias",
        "sesgo de selección",
        "A difference between groups caused by who is in each group, not by what the group received.",
    ),
    (
        2,
        "churn multiplier",
        "multiplicador del abandono",
        "How many times a group's monthly churn is that of a comparison group (1 = no difference).",
    ),
    (
        2,
        "showing appreciation",
        "mostrar aprecio",
        (
            "Visible, personal thanks and interest in the customer (a call, a note, a greeting by name): cheap, and "
            "the start of a social bond."
        ),
    ),
    (
        2,
        "Kaplan–Meier median",
        "mediana de Kaplan–Meier",
        (
            "The first time at which the estimated survival curve is at or below one half: half the customers have "
            "left by then."
        ),
    ),
    (
        3,
        "leaky bucket",
        "teoría del balde (cubo agujereado)",
        "Acquisition pours customers into the bucket while defections leak out through its holes.",
    ),
    (3, "acquisition cost", "costo de captación", "What it costs to win one new customer."),
    (
        3,
        "expected lifetime",
        "vida media del cliente",
        "How long a customer stays on average: 1 / churn periods when churn is constant.",
    ),
    (3, "Pareto principle", "principio de Pareto (regla 80/20)", "A few causes explain most of an effect."),
    (
        3,
        "cost per customer saved",
        "costo por cliente retenido",
        "What a retention programme pays for each customer it keeps who would otherwise have left.",
    ),
    (
        3,
        "survivor bias",
        "sesgo de supervivencia",
        "Customers still there are those least likely to leave, so a group looks more loyal the longer it is watched.",
    ),
    (
        3,
        "customer-equity test",
        "prueba del valor del cliente",
        (
            "Put the next unit of money where it buys more customers of equal value: plug the holes when a customer "
            "saved costs less than one won (Blattberg & Deighton 1996)."
        ),
    ),
    (
        4,
        "database marketing",
        "marketing de base de datos",
        "Using stored customer data for segmentation, targeting, personalised communication and measurement.",
    ),
    (
        4,
        "one-to-one marketing",
        "marketing uno a uno",
        "Identify, differentiate, interact with and customize for each customer (Peppers & Rogers).",
    ),
    (4, "analytical CRM", "CRM analítico", "The data warehouse and data mining that turn customer data into insight."),
    (4, "operational CRM", "CRM operacional", "The sales, marketing and service processes that touch customers."),
    (4, "collaborative CRM", "CRM colaborativo", "The channels through which company and customer interact."),
    (
        4,
        "RFM",
        "RFM (recencia, frecuencia, valor monetario)",
        "Recency (time since the last purchase), frequency and monetary value of a customer's purchases, the "
        "classic segmentation of a customer base.",
    ),
    (
        4,
        "ERP",
        "planificación de recursos empresariales (ERP)",
        (
            "Software that runs a company's internal resources (finance, stock, production, staff) in one system; "
            "CRM covers the customer side and feeds on the same data."
        ),
    ),
    (
        4,
        "data warehouse, data mining",
        "almacén de datos, minería de datos",
        (
            "One store for all the company's data, shaped for queries; and the search in it for patterns (segments, "
            "risks, next purchases)."
        ),
    ),
    (
        4,
        "face-to-face marketing",
        "marketing cara a cara",
        (
            "Selling in person, where the employee is the company for the customer; a meeting may be spontaneous or "
            "planned (forma espontánea o prevista)."
        ),
    ),
    (
        4,
        "learning relationship",
        "relación de aprendizaje",
        (
            "A relationship in which each contact teaches the company something that changes how it treats that "
            "customer next (Peppers & Rogers)."
        ),
    ),
    (
        5,
        "apostle",
        "apóstol",
        "Very satisfied and strongly tied: stays and recommends the company (Jones & Sasser's loyalist/apostle).",
    ),
    (5, "mercenary", "mercenario", "Satisfied but not tied: leaves for a better offer."),
    (5, "hostage", "rehén", "Tied but dissatisfied: stays because leaving is hard, and resents it."),
    (
        5,
        "terrorist",
        "terrorista",
        "Dissatisfied and not tied: leaves and speaks badly of the company (Jones & Sasser's defector/terrorist).",
    ),
    (
        5,
        "indifferent",
        "indiferente",
        "Neither clearly satisfied nor clearly tied: the middle of the matrix. A fifth type added by the class "
        "notes; Jones & Sasser have four.",
    ),
    (
        5,
        "loyalty index",
        "índice de fidelidad",
        "A score in [0, 1] from behaviour and stated intention: repurchase, tenure, bonds and intention to stay.",
    ),
    (
        5,
        "promoter, passive, detractor",
        "promotor, pasivo, detractor",
        "Answers of 9–10, 7–8 and 0–6 to the question 'how likely are you to recommend us?'.",
    ),
    (
        5,
        "Net Promoter Score (NPS)",
        "índice de recomendación neta",
        "Share of promoters (9–10) minus share of detractors (0–6) on the 0–10 'would you recommend us?' question.",
    ),
    (
        5,
        "five-level satisfaction scale",
        "escala de satisfacción de cinco niveles",
        (
            "One question answered from 1 (completely dissatisfied) to 5 (completely satisfied); only the top level "
            "reliably buys loyalty."
        ),
    ),
    (
        5,
        "the customer is not always right",
        "el cliente no siempre tiene la razón",
        (
            "Keeping customers is not giving in to every demand: fix real failures, but a customer who abuses staff "
            "or costs more than they bring may be let go."
        ),
    ),
    (
        6,
        "customer profitability",
        "rentabilidad del cliente",
        "What a customer brings in a period: gross margin minus the cost to serve them (and, once, to acquire them).",
    ),
    (
        6,
        "cost to serve",
        "costo de servir",
        (
            "What serving a customer costs: contacts priced by channel, retention programmes, visits (activity-based "
            "costing)."
        ),
    ),
    (
        6,
        "whale curve",
        "curva de la ballena",
        "Cumulative profit of customers sorted best first; it rises above 100 % when some customers lose money.",
    ),
    (
        6,
        "customer pyramid",
        "pirámide de clientes",
        "Customers ranked by profit into tiers: platinum, gold, iron and lead (Zeithaml, Rust & Lemon).",
    ),
    (
        6,
        "platinum, gold, iron, lead",
        "platino, oro, hierro, plomo",
        "The pyramid's tiers: the most profitable few, the profitable, those who fill capacity, those who cost money.",
    ),
    (
        6,
        "customer lifetime value (CLV)",
        "valor del ciclo de vida del cliente",
        "The present value of the margins a customer will bring over the whole relationship.",
    ),
    (
        6,
        "margin multiple",
        "múltiplo del margen",
        "CLV per unit of yearly margin, r / (1 + d − r) for retention r and discount rate d (Gupta & Lehmann).",
    ),
    (6, "discount rate", "tasa de descuento", "How much less a unit of money received a year from now is worth today."),
    (
        6,
        "recency",
        "recencia",
        "Time since the customer's last purchase; the state of Pfeifer & Carraway's Markov model.",
    ),
    (
        6,
        "real value of a lost customer",
        "valor real de un cliente perdido",
        "Every future profit a customer takes with them, plus what replacing them costs, not one year's sales.",
    ),
    (
        6,
        "customer equity",
        "valor del capital cliente",
        "The sum of the lifetime values of the current customers and of those the company will acquire.",
    ),
    (
        6,
        "loyalty connectors",
        "conectores de la fidelización",
        (
            "Six ways loyalty makes money: acquisition cost, repeat sales, cross-selling, referrals, price "
            "sensitivity, cost savings."
        ),
    ),
    (7, "expectation", "expectativa", "The service a customer expects before the contact, here on a 1–7 scale."),
    (7, "perception", "percepción", "The service the customer feels they received, on the same 1–7 scale."),
    (
        7,
        "satisfaction gap",
        "brecha de satisfacción",
        "Perception minus expectation: below zero the customer is let down, above zero delighted.",
    ),
    (
        7,
        "expectancy disconfirmation",
        "desconfirmación de expectativas",
        "Oliver's model: satisfaction comes from comparing what was perceived with what was expected.",
    ),
    (
        7,
        "touchpoint",
        "punto de contacto",
        "A kind of contact between customer and company: a purchase, a request, a complaint, an inquiry.",
    ),
    (7, "moment of truth", "momento de la verdad", "Any contact in which the customer judges the company (Carlzon)."),
    (
        7,
        "detectable moment of truth",
        "momento de la verdad detectable",
        "One whose failure the company can see at the time (here: the contact is recorded as not resolved).",
    ),
    (7, "service recovery", "recuperación del servicio", "Putting right a failure so that the customer stays."),
    (
        7,
        "service recovery paradox",
        "paradoja de la recuperación del servicio",
        "The idea, named by McCollough & Bharadwaj (1992), that a customer whose problem was well resolved ends up "
        "more satisfied or loyal than one who never had a problem. McCollough, Berry & Yadav (2000) found no such "
        "effect; a meta-analysis (de Matos et al. 2007) found it in satisfaction, not in repurchase intentions or "
        "word of mouth.",
    ),
    (
        7,
        "employee satisfaction",
        "satisfacción del empleado",
        "How content employees are with their job; the first stage of the class notes' employee–customer chain, "
        "and in Heskett et al.'s service-profit chain the stage that internal service quality feeds.",
    ),
    (
        7,
        "confounder",
        "variable de confusión",
        "A third factor that drives both of two things, making them move together without one causing the other.",
    ),
    (
        7,
        "service-profit chain",
        "cadena de servicio-beneficio",
        "Heskett et al. (1994): internal service quality → employee satisfaction → employee retention and "
        "productivity → external service value → customer satisfaction → customer loyalty → revenue growth and "
        "profit. The class notes teach a shorter chain, the employee–customer chain.",
    ),
    (
        7,
        "employee–customer chain",
        "cadena empleados–clientes",
        "The class notes' chain: satisfied employees → loyal employees → satisfied customers → loyal customers. "
        "A simplified form of Heskett et al.'s service-profit chain, without internal service quality, service "
        "value, or revenue growth and profit.",
    ),
    (
        7,
        "value formula",
        "fórmula de valor",
        (
            "The value a customer perceives: results and the quality of the process, against the price and the costs "
            "of getting the service (Heskett et al. 1997)."
        ),
    ),
    (
        7,
        "self-concept",
        "autoconcepto",
        (
            "How customers see themselves (self-image), would like to be (ideal self) and value themselves "
            "(self-esteem); service that hurts it loses them."
        ),
    ),
    (
        7,
        "high-quality vs correct service",
        "servicio de alta calidad frente a prestaciones correctas",
        (
            "Correct service does what was promised; high-quality service goes beyond it and is what customers "
            "remember and repeat."
        ),
    ),
    (
        7,
        "manualised processes",
        "procesos manualizados",
        "Each contact's steps written down and standard, so correct service does not depend on who serves.",
    ),
    (
        8,
        "loyalty plan",
        "plan de fidelización",
        "Objectives, strategies, scope and measures for keeping and growing chosen customers.",
    ),
    (
        8,
        "planning phases",
        "fases de la planificación",
        "Commercial analysis, loyalty objectives, customer-oriented strategy, organization-oriented strategy, scope.",
    ),
    (
        8,
        "commercial analysis",
        "análisis del panorama comercial",
        "What a loyal customer gains by staying, and which customers the company has and what they are worth.",
    ),
    (
        8,
        "switching costs",
        "costo de cambio de proveedor",
        "What a customer would lose in money, time and learning by leaving; alone, they make hostages, not apostles.",
    ),
    (
        8,
        "loyalty objective",
        "objetivo de fidelización",
        "What the plan wants to achieve, stated as a KPI with a baseline, a target and a date.",
    ),
    (
        8,
        "key performance indicator (KPI)",
        "indicador clave de rendimiento",
        "A number that shows whether an objective is being met, such as 12-month retention or the NPS.",
    ),
    (
        8,
        "do-nothing baseline",
        "escenario base (no hacer nada)",
        "Where the KPIs go if the company changes nothing; a plan is judged by its difference from it.",
    ),
    (
        8,
        "backtest",
        "prueba retrospectiva",
        "Applying a rule at a past date and following what happened next, to measure it on known outcomes.",
    ),
    (
        8,
        "customer-oriented strategy",
        "estrategia orientada al cliente",
        "Which action or bond the company offers to which customers, and the position it takes against competitors.",
    ),
    (
        8,
        "organization-oriented strategy",
        "estrategia orientada a la organización",
        "Making sure people at every level understand the plan and are prepared and motivated to deliver it.",
    ),
    (
        8,
        "scope of the strategy",
        "alcance de la estrategia",
        "Which customers the plan reaches, with what budget, and which it deliberately leaves out.",
    ),
    (
        8,
        "five steps of loyalty",
        "cinco peldaños de la fidelización",
        (
            "Personal quality, employee satisfaction, an excellent commercial process, value for the effort, "
            "relationship marketing."
        ),
    ),
    (
        8,
        "emotional intelligence",
        "inteligencia emocional",
        "Reading and managing one's own and other people's emotions; the first step of loyalty.",
    ),
    (
        8,
        "culture of loyalty",
        "cultura de fidelización",
        "A whole organization loyal to consistent methods: it earns loyalty by being loyal (fidelizar fidelizando).",
    ),
    (
        8,
        "consultative selling",
        "venta consultiva",
        (
            "Selling from the customer's need, as an adviser: the job ends when the customer is kept, not when the "
            "order is signed."
        ),
    ),
    (
        8,
        "objective and internalised view",
        "punto de vista objetivo y de la interiorización",
        (
            "Two ways to position a customer-oriented strategy: on countable attributes (price, service, technology) "
            "or on what the customer feels and believes about the company."
        ),
    ),
    (
        9,
        "mapping file",
        "archivo de correspondencias",
        "A short text file (mapping.toml): which of your files and columns hold the course's tables, and how "
        "they are written.",
    ),
    (
        9,
        "text encoding",
        "codificación de caracteres",
        "How letters are stored as bytes: UTF-8, or cp1252 in older Windows files; read with the wrong one, "
        "ñ and € break.",
    ),
    (
        9,
        "bad row",
        "fila errónea",
        "A record that cannot be read or makes no sense (no date, 31 February, amount 'n/d'): fix it, or leave "
        "it out and count it.",
    ),
    (
        9,
        "return",
        "devolución",
        "Goods brought back, often written as a negative amount: not a purchase, so left out and counted.",
    ),
    (
        9,
        "load report",
        "informe de carga",
        "What loading your files read, changed, left out and derived, and which tables are missing: the audit trail.",
    ),
    (
        9,
        "churn by inactivity",
        "baja por inactividad",
        "Without a record of lost customers, one who has not bought for a set time (here 180 days) counts as lost.",
    ),
    (
        10,
        "contractual and non-contractual setting",
        "relación contractual y no contractual",
        (
            "In a contract the customer must end the relationship, so the company sees who leaves; without one a "
            "customer just stops buying, and leaving must be estimated."
        ),
    ),
    (
        10,
        "BG/NBD model",
        "modelo BG/NBD",
        (
            "Each customer buys at their own rate while alive and may silently drop out after any repeat purchase; "
            "it forecasts purchases and P(alive) (Fader, Hardie & Lee 2005)."
        ),
    ),
    (
        10,
        "Gamma-Gamma model",
        "modelo Gamma-Gamma",
        (
            "Each customer's spend per purchase varies around their own average, and the averages vary across "
            "customers, independently of how often they buy (Fader, Hardie & Lee 2005)."
        ),
    ),
    (
        10,
        "probability of being alive (P(alive))",
        "probabilidad de seguir activo",
        "In a non-contractual business, the chance that a silent customer has not quietly left (BG/NBD model).",
    ),
    (
        10,
        "calibration and holdout",
        "calibración y validación",
        "Fit a model on the earlier data, then check its predictions on later data it has not seen.",
    ),
)


#: The Spanish of every other name the course shows (framework rows, category labels), by English name.
#: Glossary terms (:data:`_TERMS`) are looked up too, so each Spanish term is written once.
LABELS_ES: dict[str, str] = {
    "commercial analysis": "análisis del panorama comercial",
    "loyalty objectives": "objetivos de fidelización",
    "customer-oriented strategy": "estrategia orientada al cliente",
    "organization-oriented strategy": "estrategia orientada a la organización",
    "scope": "alcance de la estrategia",
    "easy buying": "facilidad en el proceso de compra",
    "control of spending": "mayor control sobre los gastos",
    "guaranteed satisfaction": "satisfacción garantizada",
    "personal service": "servicio personalizado",
    "no risk": "ausencia de riesgo",
    "switching costs": "costo monetario del cambio de proveedor",
    "retain the most valuable customers": "retener a los clientes más valiosos",
    "create, strengthen and keep relationships": "crear, fortalecer y conservar las relaciones",
    "raise customer satisfaction": "potenciar el nivel de satisfacción de los clientes",
    "build the loyalty of the most valuable": "fidelizar a los clientes más valiosos",
    "increase the value delivered and received": "incrementar el valor que se entrega a los clientes",
    "increase sales": "incrementar las ventas",
    "know customers' behaviour and attitudes better": (
        "conocer más a fondo los comportamientos y actitudes de los clientes"
    ),
    "personal quality and emotional intelligence": "calidad personal e inteligencia emocional",
    "excellence in the commercial process": "excelencia en el proceso comercial",
    "value for the effort": "valor por el esfuerzo",
    "relationship marketing strategies": "estrategias de marketing relacional",
    "completely dissatisfied": "completamente insatisfecho",
    "dissatisfied": "insatisfecho",
    "neither satisfied nor dissatisfied": "ni satisfecho ni insatisfecho",
    "satisfied": "satisfecho",
    "completely satisfied": "completamente satisfecho",
    "typological": "datos tipológicos",
    "consumption": "datos de consumo",
    "promotional history": "datos de historia promocional",
    "relationship": "datos de la relación",
    "financial bond": "vínculo financiero",
    "social bond": "vínculo social",
    "customization bond": "vínculo de personalización",
    "structural bond": "vínculo estructural",
    "Product offer": "oferta de producto",
    "Source of competitive advantage": "fuente de ventaja competitiva",
    "Buying activity": "actividad de compra",
    "Sales focus": "enfoque de las actividades de ventas",
    "Time horizon": "horizonte de tiempo de la relación",
    "Sustainability of the advantage": "sustentabilidad de la ventaja competitiva",
    "Primary goal": "meta primaria del marketing de relación",
    "stranger": "extraño",
    "acquaintance": "conocido",
    "friend": "amigo",
    "partner": "socio",
    "lost": "perdido",
    "apostles": "apóstoles",
    "mercenaries": "mercenarios",
    "hostages": "rehenes",
    "terrorists": "terroristas",
    "indifferent": "indiferentes",
    "not surveyed": "sin encuesta",
    "platinum": "platino",
    "gold": "oro",
    "iron": "hierro",
    "lead": "plomo",
    "detectable, more important": "detectables más importantes",
    "not detectable, more important": "no detectables más importantes",
    "detectable, less important": "detectables menos importantes",
    "not detectable, less important": "no detectables menos importantes",
    # the labels of the data's category columns (helpers.schema.CATEGORIES)
    "B2C": "consumidores (B2C)",
    "B2B": "empresas (B2B)",
    "north": "norte",
    "south": "sur",
    "east": "este",
    "west": "oeste",
    "centre": "centro",
    "search ads": "anuncios en buscadores",
    "social media": "redes sociales",
    "referral": "recomendación de un cliente",
    "trade fair": "feria comercial",
    "sales team": "equipo de ventas",
    "1-9": "1 a 9 empleados",
    "10-49": "10 a 49 empleados",
    "50-249": "50 a 249 empleados",
    "250+": "250 empleados o más",
    "basics": "productos básicos",
    "accessories": "accesorios",
    "premium": "productos de gama alta",
    "services": "servicios",
    "subscriptions": "suscripciones",
    "web": "web",
    "phone": "teléfono",
    "email": "correo electrónico",
    "face to face": "cara a cara",
    "none": "sin promoción",
    "discount": "descuento",
    "bundle": "paquete combinado",
    "loyalty reward": "premio a la fidelidad",
    "purchase": "compra",
    "service request": "solicitud de servicio",
    "complaint": "reclamo",
    "inquiry": "consulta",
    "financial": "financiero",
    "social": "social",
    "customization": "de personalización",
    "structural": "estructural",
    "price": "el precio",
    "competitor offer": "oferta de la competencia",
    "poor service": "mal servicio",
    "unresolved complaint": "reclamo no resuelto",
    "product fit": "el producto no le sirve",
    "no longer needed": "ya no lo necesita",
    "satisfied employees": "empleados satisfechos",
    "loyal employees": "empleados fieles",
    "satisfied customers": "clientes satisfechos",
    "loyal customers": "clientes fieles",
    # the RFM segments (helpers.rfm.RFM_SEGMENTS; "lost" is the stage's)
    "champions": "campeones",
    "loyal": "leales",
    "potential loyalists": "leales potenciales",
    "new": "nuevos",
    "promising": "prometedores",
    "need attention": "requieren atención",
    "about to sleep": "a punto de dormirse",
    "can't lose them": "no perderlos",
    "at risk": "en riesgo",
    "hibernating": "hibernando",
    # the columns of lesson 02's tables (helpers.bonds), as headers read them
    "level": "nivel",
    "spanish": "español",
    "what ties the customer": "qué retiene al cliente",
    "example tactics": "tácticas de ejemplo",
    "main tool": "herramienta principal",
    "ease of copying": "facilidad de copia",
    "lasting advantage": "ventaja duradera",
    "customers": "clientes",
    "share lost": "proporción perdida",
    "survey answers": "respuestas de encuesta",
    "mean satisfaction": "satisfacción media",
    "share completely satisfied": "proporción completamente satisfecha",
    "value gap": "brecha de valor",
    "mean commitment": "compromiso medio",
    "main reason for leaving": "principal motivo de salida",
    "share of main reason": "peso del motivo principal",
    "members": "miembros",
    "cost per member month": "costo por miembro al mes",
    "member months": "miembros-mes",
    "programme cost": "costo del programa",
    "monthly churn": "abandono mensual",
    "churn ratio": "razón de abandono",
    "ratio lower": "razón, límite inferior",
    "ratio upper": "razón, límite superior",
    "promotion share": "proporción con promoción",
    "segment": "segmento",
    "cost per month": "costo mensual",
    "break even multiplier": "multiplicador de equilibrio",
    "months without": "meses sin vínculo",
    "months with": "meses con vínculo",
    "retained months": "meses retenidos",
    "extra margin": "margen adicional",
    "net return": "retorno neto",
    "return on cost": "retorno sobre el costo",
}


def spanish(name: str) -> str:
    """The Spanish term for an English name the course shows: one home for every Spanish label.

    Parameters
    ----------
    name : str
        An English name: a glossary term, a category label or a framework row.

    Returns
    -------
    str
        The Spanish term, in the class notes' wording.

    Raises
    ------
    KeyError
        For a name with no Spanish term yet (add it to :data:`LABELS_ES`).

    Examples
    --------
    >>> spanish("stranger"), spanish("apostles"), spanish("loyalty")
    ('extraño', 'apóstoles', 'fidelidad, lealtad')
    """
    if name in LABELS_ES:
        return LABELS_ES[name]
    for _lesson, english, term, _meaning in _TERMS:
        if english == name:
            return term
    raise KeyError(f"no Spanish term for {name!r}; add it to helpers.glossary.LABELS_ES")


def label(name: object, lang: str | None = None) -> str:
    """A name as readers see it in a language: ``face_to_face`` → ``Face to face``, or its Spanish term.

    Parameters
    ----------
    name : object
        A column, category or framework name (underscores allowed).
    lang : {"en", "es"}, optional
        The language of the label; by default the one in use (:func:`helpers.i18n.use`).

    Returns
    -------
    str
        The English label (first letter capitalised, underscores as spaces) or the
        Spanish term (:func:`spanish`).

    Examples
    --------
    >>> label("face_to_face"), label("partner", "es")
    ('Face to face', 'socio')
    """
    text = str(name).replace("_", " ")
    lang = lang or language()
    if lang == "es":
        return spanish(text)
    if lang != "en":
        raise ValueError(f"lang must be 'en' or 'es', not {lang!r}")
    return text[:1].upper() + text[1:]


def terms(lesson: int | None = None, *, recall: tuple[str, ...] = ()) -> pd.DataFrame:
    """The glossary as a table, or only the terms a lesson introduces.

    Parameters
    ----------
    lesson : lesson number (0–10); None for every term.
    recall : English terms from earlier lessons to list first, as a reminder.

    Returns
    -------
    DataFrame with columns ``English``, ``Spanish``, ``Meaning`` (and ``Lesson`` when all
    terms are returned), in the order the course introduces them. In Spanish
    (:func:`helpers.i18n.use`) the Spanish term comes first: columns ``Término`` (the
    Spanish term), ``Inglés`` (the English one) and ``Definición`` (the definition in
    Spanish, from the catalogue ``locale/es/glossary.po``), after ``Lección``.

    >>> terms(lesson=5)["English"].tolist()[:2]
    ['apostle', 'mercenary']
    >>> terms(lesson=3, recall=("retention",))["English"].tolist()[:2]
    ['retention', 'leaky bucket']
    """
    table = pd.DataFrame(_TERMS, columns=["Lesson", "English", "Spanish", "Meaning"])
    if lesson is None:
        return _in_language(table)
    unknown = sorted(set(recall) - set(table["English"]))
    if unknown:
        raise ValueError(f"no glossary terms {unknown}; the glossary has {table['English'].tolist()}")
    chosen = table[table["Lesson"] == lesson]
    if chosen.empty:
        raise ValueError(f"no terms for lesson {lesson}; lessons with terms: {sorted(table['Lesson'].unique())}")
    recalled = table.set_index("English").loc[list(recall)].reset_index()
    return _in_language(pd.concat([recalled, chosen]).drop(columns="Lesson").reset_index(drop=True))


#: The glossary table's column headers, as the language in use writes them.
_HEADERS = {"Lesson": N_("Lesson"), "Spanish": N_("Term"), "English": N_("English"), "Meaning": N_("Meaning")}


def _in_language(table: pd.DataFrame) -> pd.DataFrame:
    """The glossary table as the language in use shows it.

    English: the table as it is. Spanish: the Spanish term first, then the English one,
    then the definition translated; the headers in Spanish. Marked as written in Spanish
    (``attrs["lang"]``), so a table shown in Spanish keeps its English column as it is.
    """
    if language() == "en":
        return table
    order = [column for column in ("Lesson", "Spanish", "English", "Meaning") if column in table.columns]
    shown = table[order].assign(Meaning=table["Meaning"].map(_))
    shown = shown.rename(columns={column: _(header) for column, header in _HEADERS.items()})
    shown.attrs["lang"] = language()
    return shown
