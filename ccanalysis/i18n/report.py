"""The words of the reports, in Spanish (`es`) and English (`en`): labels, titles, narratives and notes.

`LABELS` are single words or headings (`label(key, lang)`); `SENTENCES` are templates with named fields
(`sentence(key, lang, **values)`), filled with text the display layer has already formatted in the same
language. Adding a word to a report = one entry here, with both languages.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "supplier_report": {"es": "Informe mensual del proveedor", "en": "Supplier monthly report"},
    "portfolio_report": {"es": "Informe de cartera de proveedores", "en": "Supplier portfolio report"},
    "collections_report": {"es": "Informe mensual de recobro", "en": "Monthly collections report"},
    "supplier_report_for_supplier": {"es": "Informe mensual para el proveedor",
                                     "en": "Monthly report for the supplier"},
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
    "account_cap": {"es": "tope por cuenta", "en": "cap per account"},
    "workforce": {"es": "plantilla", "en": "workforce"},
    "activity": {"es": "actividad", "en": "activity"},
    "kpis_and_sla": {"es": "Indicador / ANS", "en": "KPIs and SLA"},
    "sla_attainment": {"es": "Cumplimiento ANS", "en": "SLA attainment"},
    "compliance_scorecard": {"es": "Cumplimiento contractual", "en": "Compliance scorecard"},
}

# the report header (`report/html.py`): one label per header key, and the names of the input tables
LABELS.update({
    "reported": {"es": "Informado", "en": "Reported"},
    "near_misses": {"es": "A qué distancia está la siguiente banda", "en": "How far the next band is"},
    "adjustment_now": {"es": "Ajuste actual", "en": "Adjustment now"},
    "next_band": {"es": "Siguiente banda en", "en": "Next band at"},
    "gap": {"es": "Distancia", "en": "Gap"},
    "next_adjustment": {"es": "Ajuste en ella", "en": "Its adjustment"},
    "worth": {"es": "Valdría este mes", "en": "Worth this month"},
    "control_firewall": {"es": "cortafuegos", "en": "firewall"},
    "control_antivirus": {"es": "antivirus", "en": "antivirus"},
    "control_vpn": {"es": "VPN activa", "en": "active VPN"},
    "control_vlan_segmentation": {"es": "VLAN segmentadas", "en": "segmented VLANs"},
    "control_per_agent_passwords": {"es": "contraseñas por turno y agente", "en": "per-shift, per-agent passwords"},
    "control_privileged_access_by_seat": {"es": "acceso privilegiado por puesto", "en": "privileged access by seat"},
    "control_qa_area": {"es": "área de calidad", "en": "QA area"},
    "evidence_declaration": {"es": "declaración del proveedor", "en": "supplier's declaration"},
    "evidence_client_audit": {"es": "auditoría del cliente", "en": "client audit"},
    "evidence_certificate": {"es": "certificado", "en": "certificate"},
    "evidence": {"es": "Prueba", "en": "Evidence"},
    "all_services": {"es": "todos", "en": "all"},
    "consequence": {"es": "Consecuencia", "en": "Consequence"},
    "owner": {"es": "Responsable", "en": "Owner"},
    "no_consequence": {"es": "sin consecuencia en el contrato", "en": "none in the contract"},
    "expiring": {"es": "Caducan en 60 días", "en": "Expiring within 60 days"},
    "evidence_table": {"es": "tabla compliance_evidence", "en": "compliance_evidence table"},
    "portfolio_recovery": {"es": "Lo que recupera la auditoría", "en": "What the audit recovers"},
    "claimable_to_date": {"es": "Reclamable acumulado", "en": "Claimable to date"},
    "claimable": {"es": "Reclamable", "en": "Claimable"},
    "recovered": {"es": "Recuperado", "en": "Recovered"},
    "pending": {"es": "Pendiente", "en": "Pending"},
    "months_audited": {"es": "Meses auditados", "en": "Months audited"},
    "pending_disputes": {"es": "Reclamaciones pendientes y sus plazos", "en": "Pending disputes and their deadlines"},
    "open_disputes": {"es": "Reclamaciones abiertas", "en": "Open disputes"},
    "at_risk": {"es": "En riesgo", "en": "At risk"},
    "channel": {"es": "Canal", "en": "Channel"},
    "services": {"es": "Servicios", "en": "Services"},
    "productive_hours": {"es": "Horas productivas", "en": "Productive hours"},
    "share_of_channel": {"es": "Cuota del canal", "en": "Share of the channel"},
    "channel_comparison": {"es": "Proveedores por canal", "en": "Suppliers by channel"},
    "concentration": {"es": "Concentración", "en": "Concentration"},
    "hhi_floor": {"es": "Mínimo posible", "en": "Lowest possible"},
    "percentage_points": {"es": "p. p.", "en": "pp"},
    "recomputed": {"es": "Recalculado", "en": "Recomputed"},
    "reported_kpis": {"es": "Indicadores informados por el proveedor", "en": "KPIs reported by the supplier"},
    "supplier_definition": {"es": "Definición del proveedor", "en": "Supplier's definition"},
    "contract_definition": {"es": "Definición del contrato", "en": "Contract's definition"},
    "verdict": {"es": "Resultado", "en": "Verdict"},
    "header_client": {"es": "Cliente", "en": "Client"},
    "header_engagement": {"es": "Encargo", "en": "Engagement"},
    "header_supplier": {"es": "Proveedor", "en": "Supplier"},
    "header_month": {"es": "Mes", "en": "Month"},
    "header_period": {"es": "Periodo", "en": "Period"},
    "header_billing_period": {"es": "Periodo de facturación", "en": "Billing period"},
    "header_suppliers": {"es": "Proveedores", "en": "Suppliers"},
    "header_retailers": {"es": "Clientes (cadenas)", "en": "Retailers"},
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
    "table_compliance_evidence": {"es": "pruebas de cumplimiento", "en": "compliance evidence"},
    "table_invoice_lines": {"es": "facturas", "en": "invoices"},
    "table_disputes": {"es": "reclamaciones", "en": "disputes"},
    "table_placements": {"es": "cartera asignada", "en": "placements"},
    "table_attempts": {"es": "gestiones de recobro", "en": "collection attempts"},
    "table_payments": {"es": "cobros", "en": "payments"},
    # charge invoices from retailers (cargos)
    "table_charges": {"es": "cargos de clientes", "en": "retailers' charges"},
    "table_sales": {"es": "ventas", "en": "sales"},
    "table_deliveries": {"es": "entregas", "en": "deliveries"},
    "table_cargo_decisions": {"es": "decisiones sobre cargos", "en": "decisions on charges"},
    "table_customers": {"es": "clientes (atención de facturación)", "en": "customers (billing care)"},
    "table_bills": {"es": "facturas emitidas", "en": "bills issued"},
})

SENTENCES: dict[str, dict[str, str]] = {
    "data_source": {
        "es": "{table}: {files} fichero(s), {rows} filas{span}",
        "en": "{table}: {files} file(s), {rows} rows{span}",
    },
    # billed vs expected by charge
    "by_charge": {
        "es": "Lo facturado por concepto del contrato (cada línea en el concepto al que la auditoría la asigna) "
              "frente a lo esperado según el contrato y la actividad registrada.",
        "en": "What was billed per contract charge (each line under the charge the audit matched it to) against "
              "what the contract and the recorded activity give.",
    },
    "unidentified_lines": {
        "es": "{count} líneas facturadas no corresponden a ningún concepto del contrato: figuran como «sin "
              "identificar» y son hallazgos de la auditoría hasta que una regla o una decisión las asigne.",
        "en": "{count} billed lines match no charge of the contract: they show as “unidentified” and are audit "
              "findings until a rule or a decision matches them.",
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
    "clause_certification_valid": {"es": "Certificado {name}{ref} válido hasta {until}.",
                                   "en": "Certificate {name}{ref} valid until {until}."},
    "clause_certification_expired": {"es": "Certificado {name}{ref} caducado el {until}: pida el renovado.",
                                     "en": "Certificate {name}{ref} expired on {until}: ask for the renewed one."},
    "clause_certification_not_in_place": {"es": "Certificación {name}: según {evidence} del {on}{ref}, no la tiene.",
                                          "en": "Certification {name}: per the {evidence} of {on}{ref}, not held."},
    "clause_control_in_place": {"es": "{name}: en vigor según {evidence} del {on}{ref}.",
                                "en": "{name}: in place per the {evidence} of {on}{ref}."},
    "clause_control_not_in_place": {"es": "{name}: no está en vigor según {evidence} del {on}{ref}.",
                                    "en": "{name}: not in place per the {evidence} of {on}{ref}."},
    "clause_control_not_stated": {"es": "{name}: {evidence} del {on}{ref} no dice si está en vigor.",
                                  "en": "{name}: the {evidence} of {on}{ref} does not say whether it is in place."},
    "clause_control_expired": {"es": "{name}: su prueba ({evidence}{ref}) caducó el {until}.",
                               "en": "{name}: its evidence ({evidence}{ref}) expired on {until}."},
    "clause_control_no_evidence": {
        "es": "{name}: sin pruebas en la tabla compliance_evidence; pida la declaración del proveedor o audítelo.",
        "en": "{name}: no evidence in the compliance_evidence table; ask for the supplier's declaration or audit it."},
    "clause_penalty": {"es": "penalización de {amount} por mes", "en": "penalty of {amount} per month"},
    "valid_until": {"es": "válido hasta {date}", "en": "valid until {date}"},
    "certificates_expiring": {"es": "Caducan en los {days} días siguientes al cierre del periodo: {items}.",
                              "en": "Expiring within {days} days of the period's end: {items}."},
    "expiring_item": {"es": "{name} ({reference}) el {date}; pida la renovación",
                      "en": "{name} ({reference}) on {date}; ask for the renewal"},
    "penalties_not_met": {
        "es": "Las cláusulas no cumplidas conllevan según el contrato {amount} de penalizaciones este mes (no "
              "están en la factura esperada: se reclaman aparte).",
        "en": "The clauses not met carry {amount} of penalties this month under the contract (not in the expected "
              "invoice: they are claimed separately)."},
    "no_clauses": {"es": "El contrato de {supplier} no tiene cláusulas de cumplimiento (compliance:); no hay nada que "
                         "comprobar.",
                   "en": "The contract of {supplier} has no compliance clauses (compliance:), so there is nothing to "
                         "check."},
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
              "factura).",
        "en": "Cost per contact and per productive hour use the billed net (the expected net where there is no "
              "invoice).",
    },
    "hhi_meaning": {
        "es": "El HHI suma los cuadrados de las cuotas de contactos atendidos en puntos porcentuales: {hhi} "
              "significa una cartera {level} (menos de {moderate}: poco concentrada; de {moderate} a {high}: "
              "moderadamente; más de {high}: muy concentrada). Con {count} proveedores el mínimo posible, a "
              "partes iguales, es {floor}.",
        "en": "HHI is the sum of squared shares of handled contacts in percentage points: {hhi} means a {level} "
              "portfolio (below {moderate}: unconcentrated; {moderate} to {high}: moderately; above {high}: "
              "highly concentrated). With {count} suppliers the lowest possible, equal shares, is {floor}.",
    },
    "kpis_left_out": {
        "es": "{service}: se omiten, porque el contrato no los nombra y no hay datos o no tienen "
              "sentido en este canal: {kpis}.",
        "en": "{service}: left out, because the contract does not name them and there is no data or "
              "they mean nothing on this channel: {kpis}.",
    },
    "kpis_no_data": {"es": "{service}: sin actividad registrada en el periodo; no hay indicadores que calcular.",
                     "en": "{service}: no activity recorded in the period, so no KPI to compute."},
    "hhi_level_unconcentrated": {"es": "poco concentrada", "en": "unconcentrated"},
    "hhi_level_moderate": {"es": "moderadamente concentrada", "en": "moderately concentrated"},
    "hhi_level_high": {"es": "muy concentrada", "en": "highly concentrated"},
    "budget_no_file": {
        "es": "Sin fichero de presupuesto (tabla budget en data/{engagement}/): no hay presupuesto con el que "
              "comparar, y esta sección se omite.",
        "en": "No budget file (table budget in data/{engagement}/): there is no budget to compare with, so this "
              "section is left out.",
    },
    "budget_actual_is": {"es": "El presupuesto frente a lo esperado (el coste según el contrato y la actividad) y "
                               "frente a lo facturado (una línea facturada dos veces es un hallazgo de la "
                               "auditoría, no un desvío del presupuesto).",
                         "en": "The budget against the expected cost (under the contract and the activity) and "
                               "against the billed net (a line billed twice is an audit finding, not a budget "
                               "overrun)."},
    "budget_over": {"es": "Por encima del presupuesto en {month}: {suppliers}.",
                    "en": "Over budget in {month}: {suppliers}."},
    "budget_none_over": {"es": "Ningún proveedor supera su presupuesto en {month}.",
                         "en": "No supplier is over its budget in {month}."},
    "supplier_amount": {"es": "{supplier} ({amount})", "en": "{supplier} ({amount})"},
    "recovery_narrative": {
        "es": "De {first} a {last}, la auditoría reclama {claimable} de {billed} facturados ({share}): lo "
              "facturado por encima del contrato y la actividad.",
        "en": "From {first} to {last}, the audit claims {claimable} of {billed} billed ({share}): what was billed "
              "above the contract and the activity.",
    },
    "recovery_disputes": {"es": "Recuperado con abonos: {recovered}; pendiente en reclamaciones abiertas: {pending}.",
                          "en": "Recovered through credit notes: {recovered}; pending in open disputes: {pending}."},
    "no_dispute_register": {
        "es": "Aún no hay registro de reclamaciones (disputes.csv en la carpeta de datos de {engagement}): nada "
              "recuperado ni pendiente "
              "consta todavía; «ccanalysis dispute {engagement} open» abre las reclamaciones de un proveedor y mes.",
        "en": "There is no dispute register yet (disputes.csv in the data folder of {engagement}), so nothing "
              "recovered or pending "
              "is on record; 'ccanalysis dispute {engagement} open' opens a supplier's disputes of a month.",
    },
    "no_open_disputes": {"es": "No queda ninguna reclamación abierta.", "en": "No dispute is still open."},
    "open_disputes_narrative": {
        "es": "Reclamaciones abiertas, la de plazo más próximo primero; en riesgo: aún sin presentar y con el "
              "plazo a {days} días o menos.",
        "en": "Open disputes, nearest deadline first; at risk: not yet submitted with the deadline {days} days "
              "away or less.",
    },
    "channel_basis": {
        "es": "Cada proveedor se compara solo con los del mismo canal (un correo no es una llamada). El coste es el "
              "esperado según su contrato por las líneas de sus servicios en el canal; la hora productiva es "
              "conversación + espera + trabajo posterior.",
        "en": "Each supplier is compared only with those on the same channel (an e-mail is not a call). The cost "
              "is the expected cost under its contract of its services' lines on the channel; a productive hour "
              "is talk + hold + after-call work.",
    },
    "channel_unassigned": {
        "es": "Fuera de los canales, por no corresponder a un servicio (regularización de mínimo): {suppliers}.",
        "en": "Left out of the channels, as they belong to no service (minimum commitment true-up): {suppliers}.",
    },
    "channel_single_supplier": {
        "es": "Con un solo proveedor no hay con quién comparar en: {channels}.",
        "en": "With a single supplier there is no one to compare with on: {channels}.",
    },
    "hhi_single_channels": {
        "es": "Por canal, un solo proveedor atiende {channels}: su HHI es 10.000, el máximo, y la única forma de "
              "bajarlo es un segundo proveedor en ese canal.",
        "en": "By channel, a single supplier serves {channels}: its HHI is 10,000, the highest, and only a "
              "second supplier on that channel lowers it.",
    },
    "near_miss_narrative": {
        "es": "Cuánto le falta a cada indicador del ANS para la siguiente banda que paga más, y lo que habría "
              "supuesto este mes sobre la misma base (antes de los topes).",
        "en": "How far each SLA KPI is from the next band that pays more, and what reaching it would have been "
              "worth this month on the same base (before the caps)."},
    "near_miss_none": {"es": "Ningún indicador del ANS puede mejorar de banda: todos están en la mejor.",
                       "en": "No SLA KPI can reach a better band: each is in its best one."},
    "adjustment_grows": {"es": "crece con la distancia", "en": "grows with the gap"},
    "under_billed_lines": {
        "es": "Líneas facturadas por debajo del contrato ({amount} en total): el proveedor puede facturar la "
              "diferencia; no se reclama.",
        "en": "Lines billed below the contract ({amount} in all): the supplier may bill the difference; it is "
              "not claimed."},
    "under_billed_none": {"es": "Ninguna línea se facturó por debajo del contrato.",
                          "en": "No line was billed below the contract."},
    "collections_no_attempts": {"es": "{supplier} no tiene intentos de contacto registrados.",
                                "en": "{supplier} has no contact attempts on record."},
    "collections_heat_title": {"es": "Contacto con el titular por día y hora — {segment}",
                               "en": "Right-party contact by weekday and hour — {segment}"},
    "collections_call_time_narrative": {
        "es": "Tasa de contacto con el titular de las llamadas de la agencia por día y hora, ajustada hacia la "
              "del segmento cuando la celda tiene pocos intentos (bayes empírico, previa beta por el método de "
              "los momentos); el intervalo es el de Wilson al 95 % sobre la tasa observada.",
        "en": "Right-party contact rate of the agency's calls by weekday and hour, shrunk toward the segment's "
              "rate where a cell has few attempts (empirical Bayes, a beta prior by the method of moments); the "
              "interval is Wilson's at 95 % on the observed rate."},
    "collections_no_rules": {
        "es": "Sin reglas de llamada (collections.calling_rules en parameters/{engagement}/engagement.yaml): no se "
              "recomiendan franjas, porque ninguna recomendación puede saltarse la ley.",
        "en": "No calling rules (collections.calling_rules in parameters/{engagement}/engagement.yaml), so no "
              "window is recommended: no recommendation may break the law."},
    "collections_gain": {
        "es": "{segment}: llevar sus intentos a las mejores franjas legales daría {gain} contactos con el titular "
              "más (hoy {now}), moviendo {moved} intentos, unas {hours} horas de agente.",
        "en": "{segment}: moving its attempts to the best legal windows would give {gain} more right-party "
              "contacts (now {now}), moving {moved} attempts, about {hours} agent hours."},
    "collections_kpi_narrative": {
        "es": "Cada indicador con su definición, sobre las cuentas asignadas a la agencia en el periodo; las "
              "comisiones son las esperadas según el contrato.",
        "en": "Each KPI with its definition, over the accounts placed with the agency in the period; the fees are "
              "the ones expected under the contract."},
    "collections_no_placements": {"es": "{supplier} no tiene cuentas asignadas.",
                                  "en": "{supplier} has no accounts placed."},
    "collections_vintage_narrative": {
        "es": "Lo cobrado acumulado sobre la deuda asignada, por mes de asignación (cosecha) y meses desde ella.",
        "en": "Collected to date over the debt placed, by month of placement (vintage) and months on book."},
    "collections_single_agency": {"es": "Solo hay una agencia: no hay con quién comparar.",
                                  "en": "There is a single agency, so there is no one to compare with."},
    "collections_comparison_narrative": {
        "es": "Las agencias se comparan en las mismas celdas (cosecha, segmento y tramo de antigüedad de la deuda), "
              "ponderadas por la deuda de ambas: nunca sobre totales brutos, que premian a quien recibe la deuda "
              "más fácil.",
        "en": "The agencies are compared on the same cells (vintage, segment and debt-age band), weighted by the "
              "debt of both: never on raw totals, which reward whoever gets the easiest debt."},
    "collections_leader": {"es": "{supplier} recobra más a cartera común.",
                           "en": "{supplier} recovers more on a common mix."},
    "collections_excluded": {"es": "{count} celda(s) con deuda de una sola agencia quedan fuera de la comparación.",
                             "en": "{count} cell(s) with only one agency's debt are left out of the comparison."},
    "reported_narrative": {
        "es": "Indicadores que informa el proveedor, junto a los recalculados con la definición del contrato a "
              "partir de la actividad del cliente. Coinciden si la diferencia no supera el redondeo del valor "
              "informado; si el proveedor usa otra definición, se recalcula también con la suya.",
        "en": "KPIs the supplier reports, beside the ones recomputed under the contract's definition from the "
              "client's activity. They match when the difference is within the reported figure's rounding; "
              "when the supplier uses another definition, the KPI is recomputed under its definition too.",
    },
    "reported_summary": {
        "es": "{differ} de {count} indicadores informados no coinciden con los recalculados; {explained} de ellos "
              "por la definición.",
        "en": "{differ} of {count} reported KPIs differ from the recomputed ones; {explained} of them because of "
              "the definition.",
    },
    "reported_all_match": {"es": "Los {count} indicadores informados coinciden con los recalculados.",
                           "en": "All {count} reported KPIs match the recomputed ones."},
    "reported_matches": {"es": "coincide", "en": "matches"},
    "reported_explained": {"es": "la diferencia es la definición: con la del proveedor, {value}",
                           "en": "the difference is the definition: under the supplier's, {value}"},
    "reported_not_explained": {"es": "no coincide ni con la definición del proveedor ({value})",
                               "en": "differs even under the supplier's definition ({value})"},
    "reported_differs": {"es": "no coincide", "en": "differs"},
    "reported_no_recompute": {"es": "sin datos para recalcular", "en": "no data to recompute it"},
    "reported_definition_unknown": {"es": "no indicada", "en": "not stated"},
    "service_on_channel": {"es": "{service}, {channel}", "en": "{service}, {channel}"},  # a channel may hold "(…)"
}

# the invoice audit (`report/audit.py`) and the dispute pack (`io/dispute_pack.py`)
LABELS.update({
    "audit": {"es": "Auditoría de la factura", "en": "Invoice audit"},
    "invoice": {"es": "Factura", "en": "Invoice"},
    "issue_date": {"es": "Fecha de emisión", "en": "Issue date"},
    "due_date": {"es": "Vencimiento", "en": "Due date"},
    "billed_net": {"es": "Facturado (base imponible)", "en": "Billed (net)"},
    "header_net": {"es": "Base imponible según la cabecera", "en": "Net on the invoice header"},
    "expected_net": {"es": "Esperado (base imponible)", "en": "Expected (net)"},
    "claim_tax": {"es": "IVA de la reclamación", "en": "VAT on the claim"},
    "withhold_gross": {"es": "Total a retener", "en": "Gross to withhold"},
    "under_billed": {"es": "Facturado de menos", "en": "Under-billed"},
    "findings": {"es": "Hallazgos", "en": "Findings"},
    "finding": {"es": "Ref. del hallazgo", "en": "Finding ref."},
    "line": {"es": "Línea", "en": "Line"},
    "check": {"es": "Comprobación", "en": "Check"},
    "cause": {"es": "Causa", "en": "Cause"},
    "evidence": {"es": "Evidencia", "en": "Evidence"},
    "needs_review": {"es": "Líneas pendientes de revisión", "en": "Lines that need review"},
    "suggestion": {"es": "Sugerencia", "en": "Suggestion"},
    "confidence": {"es": "Confianza", "en": "Confidence"},
    "carried_disputes": {"es": "Reclamaciones abiertas de meses anteriores",
                         "en": "Open disputes from earlier months"},
    "dispute": {"es": "Reclamación", "en": "Dispute"},
    "amount_claimed": {"es": "Importe reclamado", "en": "Amount claimed"},
    "deadline": {"es": "Plazo", "en": "Deadline"},
    "days_to_deadline": {"es": "Días hasta el plazo", "en": "Days to deadline"},
    "summary_sheet": {"es": "Resumen", "en": "Summary"},
    "total": {"es": "Total", "en": "Total"},
    "count": {"es": "Número", "en": "Count"},
    "other_differences": {"es": "Otras diferencias", "en": "Other differences"},
    "without_invoice": {"es": "sin factura", "en": "no invoice"},
    "billed_header": {"es": "Facturado (cabecera)", "en": "Billed (header)"},
    "savings": {"es": "Ahorro de la auditoría de facturas", "en": "Savings from the invoice audit"},
    "saving": {"es": "Ahorro", "en": "Saving"},
    "cumulative": {"es": "Acumulado", "en": "Cumulative"},
    "share_of_invoice": {"es": "% de lo facturado", "en": "% of the invoice"},
    "cumulative_share": {"es": "% acumulado", "en": "Cumulative %"},
    "savings_by_month": {"es": "Ahorro por mes", "en": "Savings by month"},
    # the keys of a finding's evidence (`AuditResult.findings.evidence`), where no label above names them
    "evidence_lines": {"es": "Líneas", "en": "Lines"},
    "evidence_duplicate_of": {"es": "Duplica la línea", "en": "Repeats line"},
    "evidence_expected_quantity": {"es": "Cantidad esperada", "en": "Expected quantity"},
    "evidence_billed_line": {"es": "Línea facturada", "en": "Billed line"},
    "evidence_billed_lines": {"es": "Líneas facturadas", "en": "Billed lines"},
    "evidence_expected_line": {"es": "Línea esperada", "en": "Expected line"},
    "evidence_invoice_id": {"es": "Factura", "en": "Invoice"},
    "evidence_matched_by": {"es": "Asignada por", "en": "Matched by"},
    "evidence_kind": {"es": "Tipo", "en": "Kind"},
    "evidence_kpi": {"es": "KPI", "en": "KPI"},
    "evidence_kpi_unit": {"es": "Escala", "en": "Scale"},
    "evidence_suggested": {"es": "Sugerencia", "en": "Suggestion"},
    "evidence_sum_of_lines": {"es": "Suma de las líneas", "en": "Sum of the lines"},
    "evidence_tax_rate": {"es": "Tipo impositivo", "en": "Tax rate"},
    "evidence_net": {"es": "Base imponible", "en": "Net"},
    "evidence_period_start": {"es": "Inicio del periodo", "en": "Period start"},
    "evidence_period_end": {"es": "Fin del periodo", "en": "Period end"},
    "evidence_previous_period_end": {"es": "Fin del periodo anterior", "en": "End of the previous period"},
    "evidence_price_version_from": {"es": "Precios vigentes desde", "en": "Prices in force from"},
    "evidence_known_invoices": {"es": "Facturas recibidas", "en": "Invoices received"},
    "evidence_corrects_invoice_id": {"es": "Corrige la factura", "en": "Corrects invoice"},
    "evidence_contract_payment_terms_days": {"es": "Plazo del contrato (días)", "en": "Contract terms (days)"},
    "evidence_issue_date": {"es": "Fecha de emisión", "en": "Issue date"},
    "evidence_due_date": {"es": "Vencimiento", "en": "Due date"},
    "evidence_confidence": {"es": "Confianza", "en": "Confidence"},
    "evidence_start": {"es": "Desde", "en": "From"},
    "evidence_end": {"es": "Hasta", "en": "To"},
    "evidence_billed_quantity": {"es": "Cantidad facturada", "en": "Billed quantity"},
    "evidence_expected_unit_price": {"es": "Precio esperado", "en": "Expected price"},
    "evidence_price_version": {"es": "Versión de precios", "en": "Price version"},
    "evidence_total_net": {"es": "Base imponible de la cabecera", "en": "Header net"},
    "evidence_total_tax": {"es": "Impuesto de la cabecera", "en": "Header tax"},
    "evidence_total_gross": {"es": "Total de la cabecera", "en": "Header gross"},
    "evidence_header_net": {"es": "Base imponible de la cabecera", "en": "Header net"},
    "evidence_lines_net": {"es": "Suma de las líneas", "en": "Sum of the lines"},
    "evidence_header_tax": {"es": "Impuesto de la cabecera", "en": "Header tax"},
    "evidence_header_gross": {"es": "Total de la cabecera", "en": "Header gross"},
    "evidence_terms_days": {"es": "Plazo de pago (días)", "en": "Payment terms (days)"},
    "evidence_limit_days": {"es": "Plazo máximo (días)", "en": "Longest terms (days)"},
    "evidence_kpi_value": {"es": "Valor del indicador", "en": "KPI value"},
    "evidence_tolerance": {"es": "Tolerancia", "en": "Tolerance"},
    "evidence_valid_from": {"es": "Vigente desde", "en": "Valid from"},
    "evidence_valid_to": {"es": "Vigente hasta", "en": "Valid to"},
    "evidence_currency": {"es": "Moneda", "en": "Currency"},
    # the registered audit checks (`ccanalysis.audit.checks.CHECKS`)
    "check_rate": {"es": "Precio", "en": "Rate"},
    "check_quantity": {"es": "Cantidad", "en": "Quantity"},
    "check_arithmetic": {"es": "Aritmética", "en": "Arithmetic"},
    "check_duplicate": {"es": "Duplicado", "en": "Duplicate"},
    "check_not_in_contract": {"es": "Fuera de contrato", "en": "Not in contract"},
    "check_missing_penalty": {"es": "Penalización no aplicada", "en": "Missing penalty"},
    "check_unearned_bonus": {"es": "Bonificación no ganada", "en": "Unearned bonus"},
    "check_minimum_commitment": {"es": "Compromiso mínimo", "en": "Minimum commitment"},
    "check_period": {"es": "Periodo", "en": "Period"},
    "check_payment_terms": {"es": "Plazo de pago", "en": "Payment terms"},
    "check_unbilled": {"es": "No facturado", "en": "Unbilled"},
    "check_not_attributable": {"es": "Cobro no atribuible", "en": "Payment not attributable"},
    "check_retention_not_earned": {"es": "Retención no ganada", "en": "Retention fee not earned"},
    # the states of a dispute (data.md, the disputes table)
    "dispute_detected": {"es": "detectada", "en": "detected"},
    "dispute_validated": {"es": "validada", "en": "validated"},
    "dispute_submitted": {"es": "presentada", "en": "submitted"},
    "dispute_accepted": {"es": "aceptada", "en": "accepted"},
    "dispute_partially_accepted": {"es": "aceptada en parte", "en": "partially accepted"},
    "dispute_rejected": {"es": "rechazada", "en": "rejected"},
    "dispute_credited": {"es": "abonada", "en": "credited"},
    "dispute_verified": {"es": "verificada", "en": "verified"},
    "dispute_closed": {"es": "cerrada", "en": "closed"},
    "dispute_cancelled": {"es": "anulada", "en": "cancelled"},
    # the reserved charge ids of audit.md, named for a reader
    "charge_sla": {"es": "ANS", "en": "SLA"},
    "charge_cap_penalty": {"es": "Tope de penalizaciones ANS", "en": "SLA penalty cap"},
    "charge_cap_bonus": {"es": "Tope de bonificaciones ANS", "en": "SLA bonus cap"},
    "charge_minimum_commitment": {"es": "Compromiso mínimo — regularización", "en": "Minimum commitment — true-up"},
    "charge_minimum": {"es": "mínimo", "en": "minimum"},
    "charge_maximum": {"es": "máximo", "en": "maximum"},
})

SENTENCES.update({
    "audit_result": {
        "es": "{supplier} facturó {billed} netos en la factura {invoice}; según el contrato y la actividad del "
              "cliente debía facturar {expected}. Se reclaman {claim} más {tax} de IVA: retenga {gross} hasta que "
              "se resuelva la reclamación.",
        "en": "{supplier} billed {billed} net on invoice {invoice}; under the contract and the client's activity "
              "it should have billed {expected}. The claim is {claim} plus {tax} VAT: withhold {gross} until the "
              "claim is settled.",
    },
    "audit_clean": {
        "es": "La factura {invoice} de {supplier} coincide con la esperada ({expected} netos): no hay nada que "
              "reclamar.",
        "en": "Invoice {invoice} from {supplier} agrees with the expected invoice ({expected} net): there is "
              "nothing to claim.",
    },
    "audit_no_claim": {
        "es": "{supplier} facturó {billed} netos en la factura {invoice}; según el contrato y la actividad del "
              "cliente debía facturar {expected}. No hay nada facturado de más que reclamar.",
        "en": "{supplier} billed {billed} net on invoice {invoice}; under the contract and the client's activity "
              "it should have billed {expected}. Nothing was over-billed: there is nothing to claim.",
    },
    "audit_no_invoice": {
        "es": "No hay factura de {supplier} para este periodo: no hay importe que reclamar. Según el contrato y la "
              "actividad, el periodo suma {expected} netos.",
        "en": "There is no invoice from {supplier} for this period: there is no amount to claim. Under the contract "
              "and the activity the period comes to {expected} net.",
    },
    "audit_header_differs": {
        "es": "La cabecera de la factura declara {header} netos, y sus líneas suman {lines}.",
        "en": "The invoice header states {header} net, and its lines add up to {lines}.",
    },
    "audit_under_billed": {
        "es": "Además, {supplier} facturó {amount} de menos en conceptos que el contrato prevé. Se muestra para "
              "acordarlo con el proveedor; no se descuenta de la reclamación.",
        "en": "In addition, {supplier} under-billed {amount} on charges the contract provides for. It is shown so "
              "it can be agreed with the supplier; it is never netted against the claim.",
    },
    "audit_needs_review": {
        "es": "Líneas que no se han podido asignar a un concepto del contrato con confianza suficiente: {count}. Se "
              "auditan como fuera de contrato hasta que una regla o una decisión (ccanalysis match) las asigne.",
        "en": "Lines that could not be matched to a contract charge with enough confidence: {count}. They are "
              "audited as not in the contract until a rule or a decision (ccanalysis match) matches them.",
    },
    "audit_carried": {
        "es": "Reclamaciones de meses anteriores aún abiertas: {count}, por {amount}; de ese importe, {at_risk} "
              "vence en los próximos {days} días.",
        "en": "Disputes from earlier months still open: {count}, for {amount}; of that, {at_risk} expires in the "
              "next {days} days.",
    },
    "waterfall_title": {"es": "De lo esperado a lo facturado", "en": "From expected to billed"},
    "waterfall_step": {"es": "{line} {number} · {check}", "en": "{line} {number} · {check}"},
    "waterfall_others": {"es": "Otros {count} hallazgos", "en": "{count} other findings"},
    "charge_tier": {"es": "{charge} — tramo {tier}", "en": "{charge} — tier {tier}"},
    "charge_sla_rule": {"es": "ANS — {rule}", "en": "SLA — {rule}"},
    "charge_limit": {"es": "{charge} ({limit})", "en": "{charge} ({limit})"},
    "savings_narrative": {
        "es": "El ahorro es lo reclamado a los proveedores por facturar por encima del contrato y la actividad: "
              "{total} de {billed} facturados ({share}) entre {first} y {last}. Lo facturado de menos ({under}) se "
              "muestra aparte y no cuenta como ahorro.",
        "en": "Savings are what was claimed from suppliers for billing above the contract and the activity: "
              "{total} of {billed} billed ({share}) from {first} to {last}. Under-billing ({under}) is shown apart "
              "and does not count as a saving.",
    },
    "savings_none": {"es": "No hay facturas auditadas en el periodo.",
                     "en": "There are no audited invoices in the period."},
})

# the daily flash (`report/flash.py`) and the payment-model simulation (`report/simulation.py`)
LABELS.update({
    "header_scenario": {"es": "Escenario", "en": "Scenario"},
    "flash_report": {"es": "Parte diario de coste", "en": "Daily cost flash"},
    "simulation_report": {"es": "Simulación de modelos de pago", "en": "Payment-model simulation"},
    "month_to_date": {"es": "Devengado frente al coste del fichero de plan", "en": "Accrued against the plan file's own cost"},
    "days_elapsed": {"es": "Días transcurridos", "en": "Days elapsed"},
    "accrued_to_date": {"es": "Devengado", "en": "Accrued"},
    "planned_to_date": {"es": "Coste del plan (fichero)", "en": "Plan file cost"},
    "not_in_force": {"es": "contrato no vigente", "en": "contract not in force"},
    "no_plan": {"es": "sin plan", "en": "no plan"},
    "plan_incomplete": {"es": "plan incompleto", "en": "plan incomplete"},
    "candidates": {"es": "Modelos candidatos y ofertas", "en": "Candidate models and offers"},
    "candidate": {"es": "Candidato", "en": "Candidate"},
    "offer": {"es": "Oferta", "en": "Offer"},
    "origin": {"es": "Origen", "en": "Source"},
    "inline_candidate": {"es": "definido en el escenario", "en": "defined in the scenario"},
    "charge_models": {"es": "Modelos de pago", "en": "Payment models"},
})

SENTENCES.update({
    "flash_narrative": {
        "es": "Coste devengado por cada proveedor desde el inicio de su periodo de facturación hasta el {as_of}, "
              "según el contrato y la actividad registrada, frente al coste que trae el propio fichero de plan (su columna de coste) en esos mismos días; las secciones de "
              "arriba comparan en cambio el plan valorado con el contrato.",
        "en": "The cost each supplier has accrued from the start of its billing period to {as_of}, under the "
              "contract and the recorded activity, against the cost the plan file itself gives (its cost column) over the same days; the sections "
              "above compare with the plan priced under the contract instead.",
    },
    "flash_no_activity": {"es": "sin actividad registrada el {as_of}", "en": "no activity recorded on {as_of}"},
    "days_of": {"es": "{elapsed} de {days}", "en": "{elapsed} of {days}"},
    "model_of_unit": {"es": "{model} ({unit})", "en": "{model} ({unit})"},
    "scenario_narrative": {
        "es": "Formas de pago que compara el escenario {scenario} para el servicio {service}: cada candidato es "
              "un contrato que se valora sobre la misma actividad.",
        "en": "The ways of paying scenario {scenario} compares for service {service}: each candidate is a "
              "contract priced on the same activity.",
    },
})

# the morning run: `ccanalysis accrual` and the flash's sections (`morning.py`, `report/flash.py`)
LABELS.update({
    "accrual_of": {"es": "Devengo y cierre previsto", "en": "Accrual and projected close"},
    "as_of_date": {"es": "Fecha de corte", "en": "As of"},
    "accrued": {"es": "Devengado", "en": "Accrued"},
    "projected": {"es": "Cierre previsto", "en": "Projected close"},
    "projected_band": {"es": "Banda 80 %", "en": "80% band"},
    "planned": {"es": "Plan", "en": "Plan"},
    "vs_plan": {"es": "Frente al plan", "en": "Against plan"},
    "vs_budget": {"es": "Frente al presupuesto", "en": "Against budget"},
    "alerts": {"es": "Alertas", "en": "Alerts"},
    "alert": {"es": "Alerta", "en": "Alert"},
    "no_alerts": {"es": "Sin alertas: todo dentro del plan.", "en": "No alerts: everything within plan."},
    "gaps": {"es": "Días sin datos", "en": "Days without data"},
    "owner": {"es": "Responsable", "en": "Owner"},
    "volume_effect": {"es": "Efecto volumen", "en": "Volume effect"},
    "aht_effect": {"es": "Efecto tiempo de gestión", "en": "Handling-time effect"},
    "price_effect": {"es": "Efecto precio y mezcla", "en": "Price and mix effect"},
    "driver": {"es": "Causa", "en": "Driver"},
    "flash_summary": {"es": "Resumen", "en": "Summary"},
    "flash_suppliers": {"es": "Proveedores: devengado y cierre previsto", "en": "Suppliers: accrued and projected close"},
    "flash_alerts": {"es": "Alertas del día frente al plan", "en": "Today's alerts against plan"},
    "flash_budget": {"es": "Presupuesto: mes, acumulado del año y previsión anual",
                     "en": "Budget: month, year to date and full-year projection"},
    "flash_charts": {"es": "Coste acumulado del mes por proveedor", "en": "Month's cumulative cost by supplier"},
    "service_total": {"es": "total proveedor", "en": "supplier total"},
    "ytd_budget": {"es": "Presupuesto acumulado", "en": "YTD budget"},
    "ytd_actual": {"es": "Acumulado (con cierre previsto)", "en": "YTD (with projected close)"},
    "year_budget": {"es": "Presupuesto anual", "en": "Full-year budget"},
    "year_projection": {"es": "Previsión anual", "en": "Full-year projection"},
    "month_budget": {"es": "Presupuesto del mes", "en": "Month budget"},
    "chart_actual": {"es": "Real acumulado", "en": "Cumulative actual"},
    "chart_plan": {"es": "Plan acumulado", "en": "Cumulative plan"},
    "chart_penalty": {"es": "Penalización", "en": "Penalty"},
    "chart_no_adjustment": {"es": "Sin ajuste", "en": "No adjustment"},
    "chart_bonus": {"es": "Bonificación", "en": "Bonus"},
    "chart_planned_offered": {"es": "Ofrecidos según plan", "en": "Offered as planned"},
    "chart_kpi_bands": {"es": "Indicadores frente a las bandas del contrato",
                        "en": "KPIs against the contract's bands"},
    "chart_plan_partial": {"es": "Plan acumulado (solo conceptos planificados)",
                           "en": "Cumulative plan (planned charges only)"},
    "chart_budget": {"es": "Presupuesto del mes", "en": "Month budget"},
    "chart_projected": {"es": "Cierre previsto", "en": "Projected close"},
    "chart_band": {"es": "Banda 80 %", "en": "80% band"},
    "chart_day": {"es": "Día", "en": "Day"},
    "no_budget": {"es": "sin presupuesto", "en": "no budget"},
    "not_projected": {"es": "sin previsión", "en": "not projected"},
    "basis": {"es": "Regla", "en": "Rule"},
    "month_vs_budget": {"es": "Mes frente a presupuesto", "en": "Month vs budget"},
    "year_vs_budget": {"es": "Año frente a presupuesto", "en": "Year vs budget"},
})

SENTENCES.update({
    "flash_summary_total": {
        "es": "A {as_of} se han devengado {accrued} y el mes cerraría en {projected} (banda del 80 %: {low} – "
              "{high}).",
        "en": "As of {as_of}, {accrued} has been accrued and the month would close at {projected} (80% band: "
              "{low} – {high}).",
    },
    "flash_summary_vs": {
        "es": "Eso es {plan_delta} frente al plan ({planned}) y {budget_delta} frente al presupuesto ({budget}).",
        "en": "That is {plan_delta} against plan ({planned}) and {budget_delta} against budget ({budget}).",
    },
    "flash_summary_vs_partial": {
        "es": "En los conceptos que el plan valora, el cierre queda {plan_delta} frente al plan ({planned}); el "
              "cierre total queda {budget_delta} frente al presupuesto ({budget}).",
        "en": "On the charges the plan prices, the close is {plan_delta} against plan ({planned}); the whole "
              "close is {budget_delta} against budget ({budget}).",
    },
    "flash_summary_partial": {
        "es": "Sin actividad a esa fecha: {suppliers}.",
        "en": "No activity on that date: {suppliers}.",
    },
    "flash_summary_currencies": {
        "es": "Los proveedores facturan en monedas distintas: vea cada uno abajo.",
        "en": "The suppliers bill in different currencies: see each one below.",
    },
    "flash_suppliers_narrative": {
        "es": "Por proveedor: coste devengado a la fecha de corte, cierre previsto del periodo con su banda "
              "del 80 %, coste del plan valorado con el contrato y presupuesto del mes.",
        "en": "Per supplier: cost accrued to the as-of date, the period's projected close with its 80% band, "
              "the plan priced by the contract and the month's budget.",
    },
    "flash_alerts_narrative": {
        "es": "Desvíos frente al plan que superan los umbrales del encargo y el control estadístico, con el "
              "desvío de coste repartido entre volumen, tiempo de gestión y precio y mezcla (suman el total).",
        "en": "Deviations from plan beyond the engagement's thresholds and the statistical control, with the "
              "cost deviation split into volume, handling time and price and mix (they add up to the total).",
    },
    "flash_budget_narrative": {
        "es": "El real es el coste esperado según contrato (no lo facturado); el mes en curso cuenta con su "
              "cierre previsto y los meses siguientes con el plan valorado.",
        "en": "Actual is the contract's expected cost (not what was billed); the current month counts at its "
              "projected close and later months at the priced plan.",
    },
    "flash_charts_narrative": {
        "es": "Coste acumulado del mes: real hasta la fecha de corte, plan, presupuesto del mes y cierre "
              "previsto con su banda del 80 %.",
        "en": "The month's cumulative cost: actual up to the as-of date, plan, the month's budget and the "
              "projected close with its 80% band.",
    },
    "over_by": {"es": "{amount} más ({percent})", "en": "{amount} over ({percent})"},
    "under_by": {"es": "{amount} menos ({percent})", "en": "{amount} under ({percent})"},
    "on_target": {"es": "en línea", "en": "on target"},
    "flash_unplanned": {
        "es": "El plan de {supplier} no da la unidad de {charges}: esos conceptos no tienen coste planificado y "
              "la comparación con el plan se hace sin ellos.",
        "en": "{supplier}'s plan does not give the unit of {charges}: those charges have no planned cost and the "
              "comparison with plan leaves them out.",
    },
    "gap_activity": {"es": "{supplier} {service}: sin actividad el {day} (no se cuenta como cero)",
                     "en": "{supplier} {service}: no activity on {day} (not counted as zero)"},
    "gap_plan": {"es": "{supplier} {service}: el plan ({file}) no cubre el {day}",
                 "en": "{supplier} {service}: the plan ({file}) does not cover {day}"},
})
