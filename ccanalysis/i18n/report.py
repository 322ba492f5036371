"""The words of the reports, in Spanish (`es`) and English (`en`): labels, titles, narratives and notes.

`LABELS` are single words or headings (`label(key, lang)`); `SENTENCES` are templates with named fields
(`sentence(key, lang, **values)`), filled with text the display layer has already formatted in the same
language. Adding a word to a report = one entry here, with both languages.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "supplier_report": {"es": "Informe mensual del proveedor", "en": "Supplier monthly report"},
    "portfolio_report": {"es": "Informe de cartera de proveedores", "en": "Supplier portfolio report"},
    "client": {"es": "Cliente", "en": "Client"},
    "supplier": {"es": "Proveedor", "en": "Supplier"},
    "suppliers": {"es": "Proveedores", "en": "Suppliers"},
    "month": {"es": "Mes", "en": "Month"},
    "service": {"es": "Servicio", "en": "Service"},
    "charge": {"es": "Concepto", "en": "Charge"},
    "tier": {"es": "Tramo", "en": "Tier"},
    "kind": {"es": "Tipo", "en": "Kind"},
    "description": {"es": "Descripción", "en": "Description"},
    "quantity": {"es": "Cantidad", "en": "Quantity"},
    "unit": {"es": "Unidad", "en": "Unit"},
    "unit_price": {"es": "Precio unitario", "en": "Unit price"},
    "amount": {"es": "Importe", "en": "Amount"},
    "explanation": {"es": "Explicación", "en": "Explanation"},
    "billed": {"es": "Facturado", "en": "Billed"},
    "expected": {"es": "Esperado", "en": "Expected"},
    "difference": {"es": "Diferencia", "en": "Difference"},
    "to_claim": {"es": "A reclamar", "en": "To claim"},
    "net": {"es": "Base imponible", "en": "Net"},
    "tax": {"es": "Impuestos", "en": "Tax"},
    "gross": {"es": "Total", "en": "Gross"},
    "kpi": {"es": "Indicador", "en": "KPI"},
    "definition": {"es": "Definición", "en": "Definition"},
    "value": {"es": "Valor", "en": "Value"},
    "target": {"es": "Objetivo", "en": "Target"},
    "fraction": {"es": "Fracción", "en": "Fraction"},
    "status": {"es": "Estado", "en": "Status"},
    "figure": {"es": "Dato", "en": "Figure"},
    "threshold": {"es": "Umbral", "en": "Threshold"},
    "clause": {"es": "Cláusula", "en": "Clause"},
    "date": {"es": "Fecha", "en": "Date"},
    "offered": {"es": "Ofrecidas", "en": "Offered"},
    "handled": {"es": "Atendidas", "en": "Handled"},
    "abandoned": {"es": "Abandonadas", "en": "Abandoned"},
    "daily_cost": {"es": "Coste diario", "en": "Daily cost"},
    "cumulative_cost": {"es": "Coste acumulado", "en": "Cumulative cost"},
    "contacts": {"es": "Contactos", "en": "Contacts"},
    "cost": {"es": "Coste", "en": "Cost"},
    "budget": {"es": "Presupuesto", "en": "Budget"},
    "actual": {"es": "Real", "en": "Actual"},
    "deviation": {"es": "Desviación", "en": "Deviation"},
    "cost_per_contact": {"es": "Coste por contacto atendido", "en": "Cost per handled contact"},
    "cost_per_productive_hour": {"es": "Coste por hora productiva", "en": "Cost per productive hour"},
    "share_handled": {"es": "Cuota de contactos atendidos", "en": "Share of handled contacts"},
    "hhi": {"es": "Índice de concentración (HHI)", "en": "Concentration index (HHI)"},
    "attainment": {"es": "Cumplimiento", "en": "Attainment"},
    "met": {"es": "cumple", "en": "met"},
    "not_met": {"es": "no cumple", "en": "not met"},
    "no_data": {"es": "sin datos", "en": "no data"},
    "none": {"es": "ninguna", "en": "none"},
    "unidentified": {"es": "(sin identificar)", "en": "(unidentified)"},
    "and": {"es": "y", "en": "and"},
    "sources": {"es": "Fuentes de datos", "en": "Data sources"},
    "generated": {"es": "Generado", "en": "Generated"},
    "version": {"es": "Versión", "en": "Version"},
    "period": {"es": "Periodo de facturación", "en": "Billing period"},
    "no_invoice": {"es": "No hay factura del proveedor para este periodo.",
                   "en": "There is no supplier invoice for this period."},
    "charge_line": {"es": "cargo", "en": "charge"},
    "flat_fee": {"es": "cuota fija", "en": "flat fee"},
    "minimum": {"es": "mínimo", "en": "minimum"},
    "maximum": {"es": "máximo", "en": "maximum"},
    "minimum_commitment": {"es": "compromiso mínimo", "en": "minimum commitment"},
    "sla": {"es": "ANS", "en": "SLA"},
    "sla_cap": {"es": "tope ANS", "en": "SLA cap"},
    "workforce": {"es": "plantilla", "en": "workforce"},
    "activity": {"es": "actividad", "en": "activity"},
    "kpis_and_sla": {"es": "Indicador / ANS", "en": "KPIs and SLA"},
    "sla_attainment": {"es": "Cumplimiento ANS", "en": "SLA attainment"},
    "compliance_scorecard": {"es": "Cumplimiento contractual", "en": "Compliance scorecard"},
}

# the report header (`report/html.py`): one label per header key, and the names of the input tables
LABELS.update({
    "header_client": {"es": "Cliente", "en": "Client"},
    "header_engagement": {"es": "Encargo", "en": "Engagement"},
    "header_supplier": {"es": "Proveedor", "en": "Supplier"},
    "header_month": {"es": "Mes", "en": "Month"},
    "header_period": {"es": "Periodo", "en": "Period"},
    "header_billing_period": {"es": "Periodo de facturación", "en": "Billing period"},
    "header_suppliers": {"es": "Proveedores", "en": "Suppliers"},
    "header_as_of": {"es": "Fecha de corte", "en": "As of"},
    "header_data_sources": {"es": "Fuentes de datos", "en": "Data sources"},
    "header_generated": {"es": "Generado", "en": "Generated"},
    "header_version": {"es": "Versión de ccanalysis", "en": "ccanalysis version"},
    "table_activity": {"es": "actividad", "en": "activity"},
    "table_contacts": {"es": "contactos", "en": "contacts"},
    "table_plan": {"es": "plan", "en": "plan"},
    "table_budget": {"es": "presupuesto", "en": "budget"},
    "table_workforce": {"es": "plantilla", "en": "workforce"},
    "table_reported_kpis": {"es": "indicadores informados", "en": "reported KPIs"},
    "table_invoice_lines": {"es": "facturas", "en": "invoices"},
    "table_disputes": {"es": "reclamaciones", "en": "disputes"},
})

SENTENCES: dict[str, dict[str, str]] = {
    "data_source": {
        "es": "{table}: {files} fichero(s), {rows} filas{span}",
        "en": "{table}: {files} file(s), {rows} rows{span}",
    },
    # summary (billed vs expected)
    "summary": {
        "es": "{supplier} facturó {billed} netos por el periodo {start}–{end}; según el contrato y la actividad "
              "registrada, la factura debía sumar {expected}. El importe facturado por encima de lo esperado, "
              "a reclamar, es {claim}.",
        "en": "{supplier} billed {billed} net for {start}–{end}; under the contract and the recorded activity the "
              "invoice should total {expected}. The amount billed above what was expected, to claim, is {claim}.",
    },
    "unidentified_lines": {
        "es": "{count} líneas facturadas no indican el concepto del contrato: se comparan solo los totales hasta "
              "que se asignen a sus conceptos.",
        "en": "{count} billed lines do not name their contract charge: only the totals are compared until they "
              "are matched to their charges.",
    },
    # expected invoice
    "invoice_period": {
        "es": "{period}: {start} – {end}. Cada línea se redondea a céntimos una sola vez; el impuesto se calcula "
              "sobre la base imponible de cada tipo.",
        "en": "{period}: {start} – {end}. Each line is rounded to cents once; tax is computed on the net of each "
              "rate.",
    },
    "tax_at": {"es": "{tax} {rate}", "en": "{tax} {rate}"},
    # KPIs and SLA
    "kpi_narrative": {
        "es": "Cada indicador se calcula con la definición del contrato (cociente de sumas del periodo) a partir "
              "de la actividad del cliente, no de los indicadores que reporta el proveedor.",
        "en": "Each KPI is computed under the contract's definition (ratio of the period's sums) from the "
              "client's activity data, never from the supplier's reported figures.",
    },
    # daily activity and cost
    "contacts_of": {"es": "{contacts} — {service}", "en": "{contacts} — {service}"},
    "accrual_narrative": {
        "es": "El coste diario es el coste acumulado del mes calculado con el contrato (tramos incluidos) al final "
              "de cada día, menos el del día anterior; los ajustes ANS y el compromiso mínimo se liquidan al "
              "cierre.",
        "en": "The daily cost is the month-to-date cost rated with the contract (tiers included) at the end of "
              "each day less that of the day before; SLA adjustments and the minimum commitment are settled at "
              "the close.",
    },
    # compliance clauses
    "clause_kpi_head": {"es": "{kpi} ({definition})", "en": "{kpi} ({definition})"},
    "clause_kpi_no_rows": {"es": "{head}: sin filas de {source} en el mes.",
                           "en": "{head}: no {source} rows for the month."},
    "clause_kpi_no_column": {"es": "{head}: los datos de {source} no tienen la columna {columns}.",
                             "en": "{head}: the {source} data has no {columns} column."},
    "clause_kpi_zero_denominator": {"es": "{head}: sin datos (el denominador es 0).",
                                    "en": "{head}: no data (the denominator is 0)."},
    "clause_kpi_result": {"es": "{head} fue {value}; se exige {threshold}: {verdict}.",
                          "en": "{head} was {value}, required {threshold}: {verdict}."},
    "clause_certification_no_rows": {"es": "Certificación {name}: sin filas de plantilla en el mes.",
                                     "en": "Certification {name}: no workforce rows for the month."},
    "clause_certification_no_column": {
        "es": "Certificación {name}: los datos de plantilla no tienen la columna certifications.",
        "en": "Certification {name}: the workforce data has no certifications column."},
    "clause_certification_result": {
        "es": "Certificación {name} presente en todas las filas de plantilla (encontradas: {found}).",
        "en": "Certification {name} listed on every workforce row (found: {found})."},
    "clause_certification_not_listed": {"es": "Certificación {name} ausente en {services} (encontradas: {found}).",
                                        "en": "Certification {name} not listed for {services} (found: {found})."},
    "clause_incidents_no_rows": {"es": "Incidentes de seguridad: sin filas de plantilla en el mes.",
                                 "en": "Security incidents: no workforce rows for the month."},
    "clause_incidents_not_reported": {"es": "Incidentes de seguridad: no informados en los datos de plantilla.",
                                      "en": "Security incidents: not reported in the workforce data."},
    "clause_incidents_result": {
        "es": "Incidentes de seguridad: {count} en el mes, se permiten {threshold}: {verdict}.",
        "en": "Security incidents: {count} in the month, allowed {threshold}: {verdict}."},
    # portfolio
    "portfolio_cost_narrative": {
        "es": "El coste por contacto y por hora productiva usa lo facturado (o lo esperado cuando no hay "
              "factura). El HHI suma los cuadrados de las cuotas de contactos atendidos en puntos porcentuales: "
              "por encima de {limit}, la cartera está muy concentrada.",
        "en": "Cost per contact and per productive hour use the billed net (the expected net where there is no "
              "invoice). HHI is the sum of squared shares of handled contacts in percentage points: above "
              "{limit} the portfolio is highly concentrated.",
    },
    "budget_actual_is": {"es": "Real = importe facturado (o esperado si aún no hay factura).",
                         "en": "Actual = billed net (expected net where there is no invoice yet)."},
    "budget_over": {"es": "Por encima del presupuesto en {month}: {suppliers}.",
                    "en": "Over budget in {month}: {suppliers}."},
    "budget_none_over": {"es": "Ningún proveedor supera su presupuesto en {month}.",
                         "en": "No supplier is over its budget in {month}."},
    "supplier_amount": {"es": "{supplier} ({amount})", "en": "{supplier} ({amount})"},
}
