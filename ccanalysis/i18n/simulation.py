"""The words of the payment-model simulator (`ccanalysis simulate` and the simulation report), in Spanish
and English: every code the simulation emits (risk bearers, candidate notes, drivers, clause outcomes,
signs), the column headers and section titles, and the sentences of the summary.

Service-level variant names and KPI / model / unit names come from `ccanalysis.i18n.domain`.
"""

from __future__ import annotations

import re

from ccanalysis.i18n import check_lang

#: Codes the simulation modules return (`simulation.compare`, `.montecarlo`, `.sensitivity`, `.clauses`,
#: `.scenario`), in words.
CODES: dict[str, dict[str, str]] = {
    # who bears a driver's risk (compare.risk)
    "client": {"es": "cliente", "en": "client"},
    "shared": {"es": "compartido", "en": "shared"},
    "supplier": {"es": "proveedor", "en": "supplier"},
    # candidate notes (scenario)
    "commitment_shared": {"es": "el compromiso mínimo cubre otros servicios y no entra en este precio",
                          "en": "the minimum commitment covers other services and is left out of this price"},
    # drivers (sensitivity, breakeven)
    "volume": {"es": "volumen", "en": "volume"},
    "aht": {"es": "TMO", "en": "AHT"},
    "shrinkage": {"es": "pérdidas (shrinkage)", "en": "shrinkage"},
    "price": {"es": "precio", "en": "price"},
    # KPI clause and stress-test outcomes (clauses)
    "in_band": {"es": "en banda", "en": "in band"},
    "linear_gap": {"es": "ajuste lineal", "en": "linear adjustment"},
    "linear_clipped": {"es": "ajuste lineal en su límite", "en": "linear adjustment at its limit"},
    "sla_no_data": {"es": "sin datos", "en": "no data"},
    "sla_no_band": {"es": "fuera de toda banda", "en": "in no band"},
    "sla_zero": {"es": "sin importe", "en": "no money"},
    "adjustment": {"es": "ajuste", "en": "adjustment"},
    "cap": {"es": "tope", "en": "cap"},
    "variant_not_computable": {"es": "variante no calculable con estos datos",
                               "en": "variant not computable on these data"},
    "penalty_cap": {"es": "tope de penalizaciones", "en": "penalty cap"},
    "bonus_cap": {"es": "tope de bonificaciones", "en": "bonus cap"},
    "charge_minimum": {"es": "mínimo del cargo", "en": "charge minimum"},
    "charge_maximum": {"es": "máximo del cargo", "en": "charge maximum"},
    "minimum_commitment": {"es": "compromiso mínimo", "en": "minimum commitment"},
    "other_services": {"es": "cubre otros servicios (no evaluado)", "en": "covers other services (not assessed)"},
    "assessed": {"es": "evaluado", "en": "assessed"},
    "none": {"es": "ninguno", "en": "none"},
    "own": {"es": "definición propia", "en": "own definition"},
    "leakage": {"es": "fuga por redondeo", "en": "rounding leakage"},
    "activity_rows_only": {"es": "solo filas de actividad (no se redondea por contacto)",
                           "en": "activity rows only (no per-contact rounding)"},
    "no_contact_records": {"es": "sin registros de contactos", "en": "no contact records"},
    # signs of an incentive
    "positive": {"es": "positivo", "en": "positive"},
    "negative": {"es": "negativo", "en": "negative"},
    "zero": {"es": "nulo", "en": "zero"},
    # hours sources and basis kinds
    "historic": {"es": "histórico", "en": "historic"},
    "forecast": {"es": "previsión", "en": "forecast"},
    "erlang_c": {"es": "Erlang C", "en": "Erlang C"},
    "erlang_a": {"es": "Erlang A", "en": "Erlang A"},
    # break-even methods
    "linear": {"es": "lineal", "en": "linear"},
    "bisection": {"es": "bisección", "en": "bisection"},
}

#: Column headers, section titles and short labels.
WORDS: dict[str, dict[str, str]] = {
    "simulation_of": {"es": "Simulación", "en": "Simulation"},
    "service": {"es": "Servicio", "en": "Service"},
    "supplier_label": {"es": "Proveedor", "en": "Supplier"},
    "basis": {"es": "Base", "en": "Basis"},
    "months": {"es": "Meses", "en": "Months"},
    "handled": {"es": "Contactos atendidos", "en": "Handled contacts"},
    "productive_hours": {"es": "Horas productivas", "en": "Productive hours"},
    "logged_hours": {"es": "Horas logadas", "en": "Logged hours"},
    "hours_source": {"es": "Origen de las horas", "en": "Hours from"},
    "draws": {"es": "Simulaciones", "en": "Draws"},
    "seed": {"es": "Semilla", "en": "Seed"},
    "rank": {"es": "Puesto", "en": "Rank"},
    "candidate": {"es": "Candidato", "en": "Candidate"},
    "offer": {"es": "Oferta", "en": "Offer"},
    "bidder": {"es": "Licitador", "en": "Bidder"},
    "total": {"es": "Coste en la base", "en": "Cost on the basis"},
    "per_contact": {"es": "Por contacto", "en": "Per contact"},
    "per_productive_hour": {"es": "Por hora productiva", "en": "Per productive hour"},
    "elasticity_volume": {"es": "Elasticidad al volumen", "en": "Volume elasticity"},
    "elasticity_aht": {"es": "Elasticidad al TMO", "en": "AHT elasticity"},
    "risk_volume": {"es": "Riesgo de volumen", "en": "Volume risk"},
    "risk_aht": {"es": "Riesgo de TMO", "en": "AHT risk"},
    "notes": {"es": "Notas", "en": "Notes"},
    "mean": {"es": "Coste esperado", "en": "Expected cost"},
    "p5": {"es": "P5", "en": "P5"},
    "p50": {"es": "P50", "en": "P50"},
    "p95": {"es": "P95", "en": "P95"},
    "p5_p95": {"es": "P5–P95", "en": "P5–P95"},
    "p_cheapest": {"es": "Prob. de ser el más barato", "en": "Probability cheapest"},
    "risk_bearer": {"es": "Quién asume el riesgo (volumen / TMO)", "en": "Who bears the risk (volume / AHT)"},
    "against": {"es": "Frente a", "en": "Against"},
    "charge": {"es": "Cargo", "en": "Charge"},
    "price_key": {"es": "Precio", "en": "Price"},
    "current_price": {"es": "Precio actual", "en": "Current price"},
    "equivalent_price": {"es": "Precio equivalente", "en": "Equivalent price"},
    "no_price": {"es": "ningún precio ≥ 0 lo iguala", "en": "no price ≥ 0 matches"},
    "driver": {"es": "Factor", "en": "Driver"},
    "multiplier": {"es": "Multiplicador", "en": "Multiplier"},
    "no_crossing": {"es": "no se cruzan entre ×0,5 y ×2", "en": "no crossing between ×0.5 and ×2"},
    "low_cost": {"es": "Coste a −x %", "en": "Cost at −x %"},
    "high_cost": {"es": "Coste a +x %", "en": "Cost at +x %"},
    "swing": {"es": "Amplitud", "en": "Swing"},
    "month": {"es": "Mes", "en": "Month"},
    "definition": {"es": "Definición", "en": "Definition"},
    "rule": {"es": "Regla", "en": "Rule"},
    "value": {"es": "Valor", "en": "Value"},
    "amount": {"es": "Importe", "en": "Amount"},
    "status": {"es": "Resultado", "en": "Outcome"},
    "band": {"es": "Banda", "en": "Band"},
    "months_binding": {"es": "Meses en que actúa", "en": "Months it binds"},
    "bound": {"es": "Límite", "en": "Bound"},
    "clause": {"es": "Cláusula", "en": "Clause"},
    "charges": {"es": "Cargos", "en": "Charges"},
    "charge_limits": {"es": "Mínimos y máximos de cargo", "en": "Charge minimums and maximums"},
    "true_ups": {"es": "Regularización del compromiso", "en": "Commitment true-ups"},
    "sla": {"es": "Bonificaciones y penalizaciones", "en": "Bonuses and penalties"},
    "net": {"es": "Neto", "en": "Net"},
    "incentive_aht": {"es": "Incentivo de +1 % de TMO", "en": "Incentive of +1 % AHT"},
    "incentive_volume": {"es": "Incentivo de +1 % de volumen", "en": "Incentive of +1 % volume"},
    "revenue": {"es": "Ingreso", "en": "Revenue"},
    "sign": {"es": "Signo", "en": "Sign"},
    "units_rounded": {"es": "Unidades redondeadas", "en": "Rounded units"},
    "units_exact": {"es": "Unidades exactas", "en": "Exact units"},
    "amount_rounded": {"es": "Importe redondeado", "en": "Rounded amount"},
    "amount_exact": {"es": "Importe a segundos exactos", "en": "Amount on exact seconds"},
    "multiplier_axis": {"es": "Multiplicador del volumen", "en": "Volume multiplier"},
    "cost_axis": {"es": "Coste del periodo", "en": "Cost over the period"},
    "crossing_mark": {"es": "cruce", "en": "crossing"},
    "price_unit_price": {"es": "precio unitario", "en": "unit price"},
    "price_amount": {"es": "importe fijo", "en": "fixed amount"},
    "price_tier": {"es": "precio del tramo {tier}", "en": "tier {tier} price"},
    "cheapest_on_basis": {"es": "Más barato en la base", "en": "Cheapest on the basis"},
    "cheapest_expected": {"es": "Menor coste esperado", "en": "Lowest expected cost"},
    "kind_offer": {"es": "oferta", "en": "offer"},
    "kind_candidate": {"es": "candidato", "en": "candidate"},
    "yes": {"es": "sí", "en": "yes"},
    "no": {"es": "no", "en": "no"},
    # section titles
    "section_summary": {"es": "Resumen", "en": "Summary"},
    "section_comparison": {"es": "Comparación en la base", "en": "Comparison on the basis"},
    "section_distribution": {"es": "Distribución del coste", "en": "Cost distribution"},
    "section_tornado": {"es": "Sensibilidad (tornado)", "en": "Sensitivity (tornado)"},
    "section_break_even": {"es": "Punto de equilibrio y precios equivalentes", "en": "Break-even and equivalent prices"},
    "section_offers": {"es": "Ofertas y cláusulas de KPI en dinero", "en": "Offers and KPI clauses as money"},
    "section_stress": {"es": "Prueba de esfuerzo, incentivos y redondeo", "en": "Stress test, incentives and rounding"},
    "table_crossings": {"es": "Cruces", "en": "Crossings"},
    "table_bands": {"es": "Bandas de SLA", "en": "SLA bands"},
    "table_limits": {"es": "Topes, mínimos y compromisos", "en": "Caps, minimums and commitments"},
    "table_net": {"es": "Efecto neto", "en": "Net effect"},
    "table_incentives": {"es": "Incentivos", "en": "Incentives"},
    "table_leakage": {"es": "Fuga por redondeo", "en": "Rounding leakage"},
    "table_kpi_money": {"es": "Cláusulas de KPI en dinero por variante", "en": "KPI clauses as money per variant"},
    "no_sla_offers": {"es": "Ningún candidato tiene cláusulas de SLA.", "en": "No candidate has SLA clauses."},
    "no_leakage": {"es": "Ningún cargo redondea por contacto.", "en": "No charge rounds per contact."},
}

SENTENCES: dict[str, dict[str, str]] = {
    "summary_basis": {
        "es": "En la base ({months}), {cheapest} es el más barato: {total}. En {draws} simulaciones de volumen y TMO, "
              "{recommended} tiene el menor coste esperado ({mean}; entre {p5} y {p95} nueve de cada diez veces) y "
              "es el más barato en el {p_cheapest} de ellas; con él, riesgo de volumen: {risk_volume}; riesgo de "
              "TMO: {risk_aht}.",
        "en": "On the basis ({months}), {cheapest} costs least: {total}. Over {draws} draws of volume and AHT, "
              "{recommended} has the lowest expected cost ({mean}; between {p5} and {p95} nine times in ten) and is "
              "the cheapest in {p_cheapest} of them; under it, volume risk: {risk_volume}; AHT risk: {risk_aht}.",
    },
    "summary_next": {
        "es": "El siguiente, {second}, cuesta {gap} más en la base; el precio de su cargo «{charge}» que lo iguala al "
              "más barato es {price} (hoy {current}).",
        "en": "The next, {second}, costs {gap} more on the basis; the price of its charge '{charge}' that matches "
              "the cheapest is {price} (today {current}).",
    },
    "comparison_narrative": {
        "es": "Coste exacto de cada candidato en los meses de la base (neto sin impuestos), por contacto atendido y "
              "por hora productiva. Elasticidad: cuánto se mueve el coste con ±{step} de volumen o de TMO (1: en "
              "proporción, cliente; 0: no se mueve, proveedor).",
        "en": "Exact cost of each candidate over the basis months (net before tax), per handled contact and per "
              "productive hour. Elasticity: how much the cost moves with ±{step} volume or AHT (1: in proportion, "
              "client; 0: it does not move, supplier).",
    },
    "distribution_narrative": {
        "es": "{draws} simulaciones (semilla {seed}) del volumen y el TMO de cada mes; la barra va de P5 a P95 y el "
              "punto es el coste esperado.",
        "en": "{draws} draws (seed {seed}) of each month's volume and AHT; the bar runs from P5 to P95 and the dot is "
              "the expected cost.",
    },
    "tornado_narrative": {
        "es": "Coste de {candidate} con cada factor a ±{fraction}, de mayor a menor amplitud.",
        "en": "Cost of {candidate} with each driver at ±{fraction}, largest swing first.",
    },
    "break_even_narrative": {
        "es": "Coste de cada candidato según el volumen (×1 = la base); los puntos marcan dónde cruza al más barato "
              "en la base, {cheapest}. La tabla da el precio de cada candidato que cuesta lo mismo que {cheapest}.",
        "en": "Cost of each candidate against volume (×1 = the basis); the marks show where it crosses the cheapest "
              "on the basis, {cheapest}. The table gives each candidate's price that costs what {cheapest} costs.",
    },
    "offers_narrative": {
        "es": "Ofertas de licitación en la misma base y lo que sus cláusulas de KPI habrían pagado, con su propia "
              "definición y con cada variante de nivel de servicio (umbral sin cambiar).",
        "en": "RFP offers on the same basis and what their KPI clauses would have paid, under their own definition "
              "and under each service-level variant (thresholds unchanged).",
    },
    "stress_narrative": {
        "es": "Cada contrato repetido sobre los meses de la base: cuántas veces actúa cada banda y cada tope, el "
              "efecto neto, el incentivo que da al proveedor (positivo: alargar llamadas o sumar contactos le paga) "
              "y lo que añade el redondeo por contacto sobre los segundos exactos.",
        "en": "Each contract replayed over the basis months: how often each band and cap acts, the net effect, the "
              "incentive it gives the supplier (positive: longer calls or more contacts pay it) and what per-contact "
              "rounding adds over exact seconds.",
    },
}


def price_key(path: tuple | str, lang: str) -> str:
    """A price's key path in words: ("unit_price",) unit price, ("tiers", 0, "unit_price") tier 1 price,
    ("amount",) fixed amount; other paths as written."""
    if isinstance(path, str):  # a price label (`pricing.base.price_label`): unit_price, tiers[0].unit_price…
        match = re.fullmatch(r"tiers\[(\d+)\]\.unit_price", path)
        path = ("tiers", int(match.group(1)), "unit_price") if match else tuple(path.split("."))
    if tuple(path) == ("unit_price",):
        return word("price_unit_price", lang)
    if tuple(path) == ("amount",):
        return word("price_amount", lang)
    if len(path) == 3 and path[0] == "tiers" and path[2] == "unit_price":
        return word("price_tier", lang).format(tier=int(path[1]) + 1)
    return ".".join(str(p) for p in path)


def code(value: str | None, lang: str) -> str:
    """A simulation code in words ('' for None)."""
    if value is None:
        return ""
    entry = CODES.get(str(value))
    if entry is None:
        raise KeyError(f"no words for simulation code {value!r}")
    return entry[check_lang(lang)]


def word(key: str, lang: str) -> str:
    """The simulation word `key` in `lang`."""
    return WORDS[key][check_lang(lang)]


def sentence(key: str, lang: str, **values: object) -> str:
    """The simulation sentence `key` in `lang`, with `values` filled in."""
    return SENTENCES[key][check_lang(lang)].format(**values)
