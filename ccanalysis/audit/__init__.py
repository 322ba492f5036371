"""The invoice audit (audit.md): match every billed line, name every error, claim each euro once.

    result    AuditResult and the columns of its tables (findings, lines, review, credits)
"""
