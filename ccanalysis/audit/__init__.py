"""The invoice audit (audit.md): match every billed line, name every error, claim each euro once.

    result    AuditResult and the columns of its tables (findings, lines, review, credits)
    matching  which contract service and charge each billed line bills: ids, rules, classifier, decisions
"""
